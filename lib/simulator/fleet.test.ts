import { describe, expect, it } from "vitest";
import { demoDevices } from "../seed/demo-fleet";
import { describeFleet, generateFleet, simDevice, type FleetOptions } from "./fleet";
import { Rng } from "./random";
import { buildLoopRoute } from "./route";
import { readingsBetween } from "./telemetry";

const OPTIONS: FleetOptions = { seed: 1, size: 50 };
const T0 = Date.UTC(2026, 10, 25, 9, 0, 0);

describe("fleet", () => {
  it("is the same for the same seed, devices and readings alike", () => {
    const a = generateFleet(OPTIONS);
    const b = generateFleet(OPTIONS);
    expect(describeFleet(a)).toEqual(describeFleet(b));
    for (const i of [0, 7, 23, 49]) {
      expect(readingsBetween(a[i]!, T0, T0 + 120_000)).toEqual(readingsBetween(b[i]!, T0, T0 + 120_000));
    }
  });

  it("differs for another seed, except the seeded demo devices", () => {
    const a = generateFleet(OPTIONS);
    const b = generateFleet({ ...OPTIONS, seed: 2 });
    expect(b.slice(0, 5).map((d) => d.address)).toEqual(a.slice(0, 5).map((d) => d.address));
    expect(b[20]!.address).not.toBe(a[20]!.address);
  });

  it("starts with exactly the five seeded demo devices (lib/seed/demo.ts), with matching models", () => {
    const fleet = generateFleet(OPTIONS);
    const demo = demoDevices();
    expect(fleet.slice(0, 5).map((d) => ({ address: d.address, privateKey: d.privateKey, model: d.model }))).toEqual(
      demo.map((d) => ({ address: d.address, privateKey: d.privateKey, model: d.model })),
    );
    expect(fleet.slice(0, 5).every((d) => d.demo)).toBe(true);
    expect(fleet.slice(5).some((d) => d.demo)).toBe(false);
  });

  it("gives device i the same identity and behaviour whatever the fleet size", () => {
    for (const index of [3, 12, 40]) {
      expect(simDevice({ seed: 1, size: 1_000 }, index)).toEqual(simDevice(OPTIONS, index));
    }
  });

  it("has every kind, several cities, an MQTT third and each labelled misbehaviour", () => {
    const fleet = describeFleet(generateFleet(OPTIONS));
    expect(new Set(fleet.map((d) => d.kind))).toEqual(new Set(["walker", "cyclist", "car", "fixed", "solar"]));
    expect(new Set(fleet.map((d) => d.city)).size).toBeGreaterThanOrEqual(5);
    expect(fleet.filter((d) => d.transport === "mqtt")).toHaveLength(16);
    expect(fleet.filter((d) => d.fault).map((d) => [d.index, d.fault!.kind])).toEqual([
      [5, "teleporter"],
      [6, "frozen-sensor"],
      [7, "clock-drift"],
      [8, "burst-sender"],
      [9, "replayed-track"],
      [10, "replayed-track"],
    ]);
    expect(new Set(fleet.map((d) => d.address)).size).toBe(50);
  });

  it("leaves out faults whose group does not fit a small fleet", () => {
    expect(generateFleet({ seed: 1, size: 10 }).filter((d) => d.fault)).toEqual([]);
  });
});

describe("routes", () => {
  it("always close, even when every turn but a U-turn leads out of the city", () => {
    // A small city radius makes the edge case common; it once looped forever.
    for (let seed = 0; seed < 5_000; seed++) {
      const route = buildLoopRoute(new Rng(seed), { home: { lat: 52.5, lon: 13.4 }, gridAngleDeg: 10, blockM: 150, targetLengthM: 6_000, maxRadiusM: 900 });
      expect(route.points.at(-1)).toEqual(route.points[0]);
      expect(route.lengthM).toBeGreaterThan(2_999);
    }
  });
});
