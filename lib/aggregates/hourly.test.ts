import { latLngToCell } from "h3-js";
import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { DEVICE_A, DEVICE_B, HOUR, walker } from "../quality/test-fixtures";
import { aggregateHour } from "./hourly";
import { readingFromTelemetry, type DeviceReading } from "./reading";

const hour = new Date(HOUR);

describe("aggregateHour", () => {
  it("summarises a walker's hour", () => {
    const aggregate = aggregateHour(walker(), hour);
    expect(aggregate).toMatchObject({ device: DEVICE_A, hourStart: hour, messageCount: 720, onlineMinutes: 60, teleportCount: 0 });
    // 1.4 m/s for 719 × 5 s.
    expect(aggregate.distanceMeters).toBeCloseTo(1.4 * 719 * 5, -1);
    expect(aggregate.cellsR7).toContain(latLngToCell(52.52, 13.405, 7));
    expect(aggregate.cellsR8.length).toBeGreaterThan(aggregate.cellsR7.length);
    expect(aggregate.firstAt).toEqual(hour);
    expect(aggregate.lastAt).toEqual(new Date(HOUR + 719 * 5_000));
    expect(Object.keys(aggregate.sensors)).toEqual(["temperature", "humidity", "pressure", "battery"]);
    expect(aggregate.sensors.battery).toEqual({ min: 80, mean: 80, max: 80, count: 720 });
  });

  it("computes exact statistics from the wire integers", () => {
    const readings = walker({ count: 3 }).map((r, i) => ({ ...r, readings: { temperature: [0.1, 0.2, 0.2][i] as number, heading: 359 } }));
    const { sensors } = aggregateHour(readings, hour);
    expect(sensors.temperature).toEqual({ min: 0.1, mean: 50 / 3 / 100, max: 0.2, count: 3 }); // sum of centi-°C / count / 100
    expect(sensors.heading).toBeUndefined();
  });

  it("counts distinct minutes, not messages", () => {
    const readings = walker({ count: 30, intervalMs: 1_000 }); // all in minute 0
    expect(aggregateHour(readings, hour).onlineMinutes).toBe(1);
  });

  it("leaves very inaccurate fixes out of coverage", () => {
    const readings = walker({ count: 2 }).map((r, i) => (i === 1 ? { ...r, lat: 52.6, accuracyMeters: 20_000 } : r));
    expect(aggregateHour(readings, hour).cellsR8).toEqual([latLngToCell(52.52, 13.405, 8)]);
  });

  it("rejects input that breaks its contract", () => {
    const readings = walker({ count: 2 });
    expect(() => aggregateHour([], hour)).toThrow(/at least one reading/);
    expect(() => aggregateHour(readings, new Date(HOUR + 1))).toThrow(/whole UTC hour/);
    expect(() => aggregateHour([...readings, { ...(readings[0] as DeviceReading), device: DEVICE_B }], hour)).toThrow(/mixed/);
    expect(() => aggregateHour(walker({ start: HOUR - 5_000, count: 2 }), hour)).toThrow(/outside the hour/);
  });
});

describe("readingFromTelemetry", () => {
  it("converts wire integers to physical units", () => {
    const reading = readingFromTelemetry(
      {
        device: getAddress("0x1563915e194d8cfba1943570603f7606a3115508"),
        sequence: 42n,
        timestamp: 1767225601234,
        position: { latE6: 52520008, lonE6: 13404954, accuracyCm: 350 },
        temperatureCentiC: -512,
        pressurePa: 101325,
        pm25DeciUgM3: 123,
        speedCmS: 1389,
        batteryPct: 77,
        firmware: "aq-tracker/1.4.2",
      },
      new Date(1767225602000),
    );
    expect(reading).toEqual({
      device: "0x1563915e194d8cfba1943570603f7606a3115508",
      sequence: 42n,
      measuredAt: 1767225601234,
      receivedAt: 1767225602000,
      lat: 52.520008,
      lon: 13.404954,
      accuracyMeters: 3.5,
      readings: { temperature: -5.12, pm25: 12.3, pressure: 1013.25, speed: 13.89, battery: 77 },
    });
  });
});
