import { describe, expect, it } from "vitest";
import { parseSignedTelemetry, toWireJson, type TelemetryMessage } from "../ingest/message";
import { signTelemetry } from "../ingest/sign";
import { verifyTelemetry } from "../ingest/verify";
import { generateFleet, type SimDevice } from "./fleet";
import { distanceMetres } from "./geo";
import { maxSpeedMs } from "./motion";
import { outageAt, readingTimes } from "./schedule";
import { signReading } from "./signer";
import { readingAt, readingsBetween } from "./telemetry";

const fleet = generateFleet({ seed: 1, size: 50 });
const normal = fleet.filter((d) => !d.fault);
const byFault = (kind: string) => fleet.filter((d) => d.fault?.kind === kind);
// Three moments: Berlin morning rush, European evening, Pacific night-time.
const WINDOWS = [Date.UTC(2026, 10, 25, 7, 0), Date.UTC(2026, 5, 21, 17, 30), Date.UTC(2026, 2, 3, 23, 45)];
const latLon = (m: TelemetryMessage) => ({ lat: m.position!.latE6 / 1e6, lon: m.position!.lonE6 / 1e6 });

describe("readings on the wire", () => {
  it("every message of the fleet parses, is in range and verifies as signed by its device", () => {
    let checked = 0;
    for (const start of WINDOWS) {
      for (const device of fleet) {
        for (const reading of readingsBetween(device, start, start + 30_000).slice(0, 3)) {
          const wire = JSON.parse(JSON.stringify(toWireJson(signReading(device.privateKey, reading)))) as unknown;
          const parsed = parseSignedTelemetry(wire);
          expect(parsed, JSON.stringify(wire)).toMatchObject({ ok: true });
          if (!parsed.ok) continue;
          // Judged at the device's own clock: only the clock-drift device is ever out of the window.
          const verdict = verifyTelemetry(parsed.value, { now: reading.timestamp, lastSequence: reading.sequence - 1n });
          expect(verdict.status).toBe("accepted");
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("signs exactly as lib/ingest's signTelemetry does", async () => {
    for (const device of fleet.slice(0, 6)) {
      const reading = readingAt(device, WINDOWS[0]!);
      expect(signReading(device.privateKey, reading)).toEqual(await signTelemetry(device.privateKey, reading));
    }
  });
});

describe("schedule", () => {
  it("has strictly increasing sequences, and windows compose (a restart continues where it stopped)", () => {
    const start = WINDOWS[0]!;
    for (const device of fleet) {
      const whole = readingTimes(device, start, start + 600_000);
      const split = [...readingTimes(device, start, start + 123_457), ...readingTimes(device, start + 123_457, start + 600_000)];
      expect(split).toEqual(whole);
      const sequences = whole.map((t) => readingAt(device, t).sequence);
      for (let i = 1; i < sequences.length; i++) expect(sequences[i]! > sequences[i - 1]!).toBe(true);
    }
  });

  it("reads about once per interval, jittered", () => {
    const device = normal.find((d) => d.kind === "fixed")!;
    const times = readingTimes(device, WINDOWS[1]!, WINDOWS[1]! + 3_600_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(8_000);
    expect(new Set(gaps).size).toBeGreaterThan(10);
  });

  it("has network and power outages somewhere in the fleet over a day, and most devices online", () => {
    const kinds = new Set<string>();
    let onlineSamples = 0;
    let samples = 0;
    const day = WINDOWS[0]!;
    for (const device of fleet) {
      for (let t = day; t < day + 86_400_000; t += 60_000) {
        const outage = outageAt(device, t);
        if (outage) kinds.add(outage);
        else onlineSamples++;
        samples++;
      }
    }
    expect(kinds).toEqual(new Set(["network", "power"]));
    expect(onlineSamples / samples).toBeGreaterThan(0.9);
    expect(onlineSamples / samples).toBeLessThan(1);
  });
});

describe("movement", () => {
  const BOUND_MS = { walker: 2.5, cyclist: 10, car: 35 } as const;

  it("moves each kind at plausible speeds, without jumps, and keeps fixed devices in place", () => {
    const start = WINDOWS[1]!;
    for (const device of normal) {
      const messages = Array.from({ length: 120 }, (_, i) => readingAt(device, start + i * 60_000));
      if (device.kind === "fixed" || device.kind === "solar") {
        for (const m of messages) expect(distanceMetres(device.home, latLon(m))).toBeLessThan(50);
        continue;
      }
      const bound = BOUND_MS[device.kind];
      expect(maxSpeedMs(device.motion)).toBeLessThanOrEqual(bound);
      for (const m of messages) expect(m.speedCmS! / 100).toBeLessThanOrEqual(bound);
      for (let i = 1; i < messages.length; i++) {
        // Straight-line distance per minute, plus room for GPS noise on both fixes.
        expect(distanceMetres(latLon(messages[i - 1]!), latLon(messages[i]!))).toBeLessThan(bound * 60 + 80);
      }
    }
  });

  it("moves cars faster than cyclists, and cyclists faster than walkers", () => {
    const mean = (kind: SimDevice["kind"]) => {
      const devices = normal.filter((d) => d.kind === kind);
      return devices.reduce((sum, d) => sum + d.motion.baseSpeedMs, 0) / devices.length;
    };
    expect(mean("car")).toBeGreaterThan(mean("cyclist"));
    expect(mean("cyclist")).toBeGreaterThan(mean("walker"));
  });
});

describe("sensor curves", () => {
  const station = normal.find((d) => d.kind === "fixed" && d.city.name === "Berlin")!;

  it("stays in physically plausible ranges across a year", () => {
    for (const device of normal) {
      for (let day = 0; day < 365; day += 30) {
        for (let hour = 0; hour < 24; hour += 3) {
          const m = readingAt(device, Date.UTC(2026, 0, 1) + day * 86_400_000 + hour * 3_600_000);
          if (m.temperatureCentiC !== undefined) {
            expect(m.temperatureCentiC / 100).toBeGreaterThan(-25);
            expect(m.temperatureCentiC / 100).toBeLessThan(45);
          }
          if (m.humidityCentiPct !== undefined) expect(m.humidityCentiPct / 100).toBeGreaterThanOrEqual(5);
          if (m.pm25DeciUgM3 !== undefined) expect(m.pm25DeciUgM3 / 10).toBeLessThan(300);
          if (m.pm10DeciUgM3 !== undefined) expect(m.pm10DeciUgM3).toBeGreaterThan(m.pm25DeciUgM3!);
          if (m.pressurePa !== undefined) {
            expect(m.pressurePa).toBeGreaterThan(75_000);
            expect(m.pressurePa).toBeLessThan(106_000);
          }
          if (m.lightCentiLux !== undefined) expect(m.lightCentiLux / 100).toBeLessThanOrEqual(120_000);
        }
      }
    }
  });

  it("is warmer and brighter in the afternoon than before dawn, with humidity moving the other way", () => {
    let warmer = 0;
    let brighter = 0;
    let drier = 0;
    const days = 20;
    for (let day = 0; day < days; day++) {
      const midnight = Date.UTC(2026, 5, 1 + day);
      const dawn = readingAt(station, midnight + 1 * 3_600_000); // 02:00 Berlin, before the summer dawn
      const afternoon = readingAt(station, midnight + 13 * 3_600_000); // 14:00 Berlin
      if (afternoon.temperatureCentiC! > dawn.temperatureCentiC!) warmer++;
      if (afternoon.lightCentiLux! > 100 * dawn.lightCentiLux! + 1_000_000) brighter++;
      if (afternoon.humidityCentiPct! < dawn.humidityCentiPct!) drier++;
    }
    expect(warmer).toBeGreaterThanOrEqual(days - 1);
    expect(brighter).toBe(days);
    expect(drier).toBeGreaterThanOrEqual(days - 1);
  });

  it("peaks PM2.5 at the weekday rush hours", () => {
    let rushHigher = 0;
    const weekdays = [2, 3, 4, 5, 6, 9, 10, 11, 12, 13]; // November 2026, Mon–Fri
    for (const day of weekdays) {
      const midnightBerlin = Date.UTC(2026, 10, day) - 3_600_000;
      const at = (h: number) => readingAt(station, midnightBerlin + h * 3_600_000).pm25DeciUgM3!;
      if (at(8.25) > at(3) * 1.3) rushHigher++;
    }
    expect(rushHigher).toBeGreaterThanOrEqual(8);
  });

  it("drains trackers during the day and charges them overnight; solar meters follow the sun", () => {
    const walker = normal.find((d) => d.kind === "walker")!;
    const start = Date.UTC(2026, 10, 25) - walker.motion.utcOffsetHours * 3_600_000 + walker.motion.activeStartHour * 3_600_000;
    const battery = (hours: number) => readingAt(walker, start + hours * 3_600_000 + 1).batteryPct!;
    expect(battery(0)).toBeGreaterThanOrEqual(99);
    expect(battery(walker.motion.activeHours - 0.1)).toBeLessThan(60);
    expect(battery(23.9)).toBe(100);
    const solar = normal.find((d) => d.kind === "solar")!;
    const solarNoon = Date.UTC(2026, 5, 21, 12) - (solar.home.lon / 15) * 3_600_000;
    expect(readingAt(solar, solarNoon + 4 * 3_600_000).batteryPct!).toBeGreaterThan(readingAt(solar, solarNoon - 8 * 3_600_000).batteryPct!);
  });
});

describe("misbehaving devices", () => {
  const hour = (start: number, device: SimDevice) => readingsBetween(device, start, start + 3_600_000);

  it("the teleporter jumps tens of kilometres between consecutive readings; normal devices never do", () => {
    const [teleporter] = byFault("teleporter");
    const implied = (messages: TelemetryMessage[]) =>
      messages.slice(1).map((m, i) => distanceMetres(latLon(messages[i]!), latLon(m)) / ((m.timestamp - messages[i]!.timestamp) / 1000));
    expect(Math.max(...implied(hour(WINDOWS[1]!, teleporter!)))).toBeGreaterThan(1_000); // > 3,600 km/h
    for (const device of normal) expect(Math.max(...implied(hour(WINDOWS[1]!, device)))).toBeLessThan(40);
  });

  it("the frozen sensor repeats identical values while its GPS fix varies", () => {
    const [frozen] = byFault("frozen-sensor");
    const messages = hour(WINDOWS[0]!, frozen!);
    const sensors = (m: TelemetryMessage) => [m.temperatureCentiC, m.humidityCentiPct, m.pm25DeciUgM3, m.pm10DeciUgM3, m.lightCentiLux, m.pressurePa].join();
    expect(new Set(messages.map(sensors)).size).toBe(1);
    expect(new Set(messages.map((m) => `${m.position!.latE6},${m.position!.lonE6}`)).size).toBeGreaterThan(100);
  });

  it("the clock-drift device's timestamps run ahead until they are CLOCK_SKEW, then resync", () => {
    const [drifter] = byFault("clock-drift");
    const messages = readingsBetween(drifter!, WINDOWS[0]!, WINDOWS[0]! + 2 * 3_600_000);
    const ahead = messages.map((m) => m.timestamp - Number(m.sequence));
    expect(Math.max(...ahead)).toBeGreaterThan(5 * 60_000);
    expect(Math.min(...ahead)).toBeLessThan(10_000);
    const skewed = messages.filter((m) => verifyTelemetry(signReading(drifter!.privateKey, m), { now: Number(m.sequence), lastSequence: null }).status === "rejected");
    expect(skewed.length).toBeGreaterThan(messages.length / 4);
  });

  it("the burst sender sends hundreds of readings within seconds", () => {
    const [burst] = byFault("burst-sender");
    const messages = readingsBetween(burst!, WINDOWS[0]!, WINDOWS[0]! + 180_000);
    expect(messages.length).toBeGreaterThanOrEqual(600);
    const gaps = messages.slice(1).map((m, i) => m.timestamp - messages[i]!.timestamp);
    expect(Math.min(...gaps)).toBeLessThanOrEqual(10);
  });

  it("the replayed-track pair reports the same track and readings under two keys", () => {
    const [a, b] = byFault("replayed-track");
    expect(a!.address).not.toBe(b!.address);
    const strip = ({ device: _device, ...rest }: TelemetryMessage) => rest;
    const trackA = hour(WINDOWS[1]!, a!);
    expect(trackA.length).toBeGreaterThan(100);
    expect(hour(WINDOWS[1]!, b!).map(strip)).toEqual(trackA.map(strip));
  });
});
