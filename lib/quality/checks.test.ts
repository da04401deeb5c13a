import { describe, expect, it } from "vitest";
import { aggregateHour } from "../aggregates/hourly";
import type { DeviceReading } from "../aggregates/reading";
import { checkBursts } from "./bursts";
import { checkClock } from "./clock";
import { DEFAULT_QUALITY_CONFIG, qualityConfig } from "./config";
import { checkFrozenValues } from "./frozen";
import { checkLongGaps } from "./gaps";
import { checkImplausibleJumps } from "./jumps";
import { scoreDevice } from "./score";
import { checkImpossibleSpeed } from "./speed";
import { HOUR, walker } from "./test-fixtures";

const config = DEFAULT_QUALITY_CONFIG;
const KM_41_NORTH = 41_000 / ((Math.PI / 180) * 6_371_008.8);

const shiftNorth = (r: DeviceReading, degrees: number): DeviceReading => ({ ...r, lat: (r.lat ?? 0) + degrees });

describe("a clean walker", () => {
  it("scores 100 with no findings", () => {
    const result = scoreDevice({ readings: walker() });
    expect(result.findings).toEqual([]);
    expect(result.score).toBe(100);
    expect(result.penalties.every((p) => p.points === 0)).toBe(true);
  });
});

describe("impossible speed / teleporting GPS", () => {
  const parked = walker({ count: 10, intervalMs: 30_000, speed: 0 });

  it("flags a spike with a readable reason, and the aggregate's distance ignores it", () => {
    const readings = parked.map((r, i) => (i === 5 ? shiftNorth(r, KM_41_NORTH) : r));
    const findings = checkImpossibleSpeed(readings, config.speed);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: "impossible-speed", severity: "critical", penalty: 15, at: new Date(HOUR + 150_000) });
    expect(findings[0]?.reason).toBe(
      "moved 41 km in 30 s (4,920 km/h) at 12:02:30 UTC; the limit is 300 km/h, so this position was not counted",
    );
    expect(scoreDevice({ readings }).score).toBe(85);
    const aggregate = aggregateHour(readings, new Date(HOUR));
    expect(aggregate.distanceMeters).toBeLessThan(1);
    expect(aggregate.teleportCount).toBe(1);
    expect(aggregate.cellsR8).toHaveLength(1);
  });

  it("counts a jump to a new place once when the device stays there", () => {
    const readings = parked.map((r, i) => (i >= 5 ? shiftNorth(r, KM_41_NORTH) : r));
    expect(checkImpossibleSpeed(readings, config.speed)).toHaveLength(1);
    expect(aggregateHour(readings, new Date(HOUR)).distanceMeters).toBeLessThan(1);
  });

  it("forgives moves that GPS accuracy explains, and respects a per-model limit", () => {
    const jitter = parked.map((r, i) => (i === 5 ? { ...shiftNorth(r, 800 / 111_195), accuracyMeters: 500 } : r));
    expect(checkImpossibleSpeed(jitter, config.speed)).toEqual([]);
    // 1 km in 30 s = 120 km/h: fine for a car, impossible for a bike tracker limited to 60 km/h.
    const car = walker({ count: 10, intervalMs: 30_000, speed: 1_000 / 30 });
    expect(checkImpossibleSpeed(car, config.speed)).toEqual([]);
    expect(checkImpossibleSpeed(car, qualityConfig({ speed: { maxSpeedKmh: 60 } }).speed).length).toBeGreaterThan(0);
  });
});

describe("frozen values", () => {
  it("flags a temperature stuck at one value for 40 minutes", () => {
    const readings = walker().map((r, i) => (i >= 100 && i < 580 ? { ...r, readings: { ...r.readings, temperature: 21.5 } } : r));
    const findings = checkFrozenValues(readings, config.frozen);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.reason).toBe(
      "temperature stayed at exactly 21.50 °C for 480 readings over 40 min from 12:08:20 UTC; " +
        "a working sensor always varies a little, so it may be stuck or the data not measured",
    );
    expect(scoreDevice({ readings }).score).toBe(90);
  });

  it("ignores short runs, saturated humidity and metrics that legitimately stay constant", () => {
    const readings = walker().map((r, i) => ({
      ...r,
      readings: { ...r.readings, humidity: 100, battery: 80, ...(i < 300 ? { temperature: 20 } : {}) },
    }));
    // 300 readings at 5 s = 25 min < 30 min: not frozen.
    expect(checkFrozenValues(readings, config.frozen)).toEqual([]);
  });
});

describe("implausible jumps", () => {
  it("flags temperature changing 31 °C within seconds, once up and once back", () => {
    const readings = walker().map((r, i) => (i === 200 ? { ...r, readings: { ...r.readings, temperature: 49.2 } } : r));
    const findings = checkImplausibleJumps(readings, config.jump);
    expect(findings).toHaveLength(2);
    expect(findings[0]?.reason).toMatch(/^temperature changed by 3\d\.\d\d °C \(from 1\d\.\d\d °C to 49\.20 °C\) in 5 s at 12:16:40 UTC; a change of 20\.00 °C within 60 s is not physically possible/);
  });

  it("does not flag the same change spread over an hour", () => {
    const readings = walker({ count: 61, intervalMs: 60_000 }).map((r, i) => ({ ...r, readings: { temperature: 10 + i * 0.5 } }));
    expect(checkImplausibleJumps(readings, config.jump)).toEqual([]);
  });
});

describe("bursts", () => {
  it("flags 40 readings taken within 4 seconds as one episode", () => {
    const clean = walker();
    const burst = Array.from({ length: 40 }, (_, i): DeviceReading => ({
      ...(clean[300] as DeviceReading),
      sequence: 10_000n + BigInt(i),
      measuredAt: HOUR + 1_500_001 + i * 100,
      receivedAt: HOUR + 1_500_500 + i * 100,
    }));
    const findings = checkBursts([...clean, ...burst], config.burst);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.reason).toMatch(/^took 4\d readings within 10 s at 12:2\d:\d\d UTC; more than 20 in 10 s is more than any sensor needs$/);
  });

  it("does not flag a buffered upload: readings arriving together but taken apart", () => {
    const uploadedAtOnce = walker().map((r) => ({ ...r, receivedAt: HOUR + 3_600_000 }));
    expect(checkBursts(uploadedAtOnce, config.burst)).toEqual([]);
  });
});

describe("long gaps", () => {
  it("flags 17 minutes without readings", () => {
    const readings = walker().filter((_, i) => i < 100 || i > 300);
    const findings = checkLongGaps(readings, config.gap);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.reason).toBe(
      "no readings for 17 min (12:08:15 UTC to 12:25:05 UTC); gaps longer than 15 min leave holes in the data — check power and connectivity",
    );
  });
});

describe("clock drift", () => {
  it("flags a clock that runs ahead of the server", () => {
    const readings = walker().map((r) => ({ ...r, receivedAt: r.measuredAt - 30_000 }));
    const findings = checkClock(readings, config.clock);
    expect(findings.map((f) => f.reason)).toEqual([
      "720 readings were stamped up to 30 s later than they arrived, from 12:00:00 UTC: the device clock runs ahead; sync it with GNSS or NTP",
    ]);
  });

  it("flags a clock falling behind by 30 s per hour", () => {
    const readings = walker().map((r, i) => ({ ...r, receivedAt: r.measuredAt + 300 + (i * 30_000) / 720 }));
    const findings = checkClock(readings, config.clock);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.reason).toMatch(/^the device clock falls behind by about 30 s per hour \(offset \+8 s at 12:15:\d\d UTC, \+23 s at 12:45:\d\d UTC\)/);
  });

  it("flags a clock that is minutes behind", () => {
    const findings = checkClock(walker().map((r) => ({ ...r, receivedAt: r.measuredAt + 180_000 })), config.clock);
    expect(findings.map((f) => f.reason)).toEqual([
      "the newest reading of a typical upload was already 3 min old when it arrived (720 uploads): the device clock seems to run behind, or the device holds readings back",
    ]);
  });

  it("does not flag a device that uploads its buffer every 10 minutes", () => {
    const readings = walker().map((r) => ({ ...r, receivedAt: (Math.floor((r.measuredAt - HOUR) / 600_000) + 1) * 600_000 + HOUR + 200 }));
    expect(checkClock(readings, config.clock)).toEqual([]);
  });
});

describe("scoreDevice", () => {
  it("caps each check and never goes below 0", () => {
    // Every other fix 41 km away: dozens of teleports, capped at 45 points.
    const readings = walker().map((r, i) => (i % 2 === 1 ? shiftNorth(r, KM_41_NORTH) : r));
    const result = scoreDevice({ readings });
    expect(result.penalties.find((p) => p.check === "impossible-speed")).toMatchObject({ findings: 360, points: 45, cap: 45 });
    expect(result.score).toBe(55);
  });

  it("an empty window scores 100", () => {
    expect(scoreDevice({ readings: [] }).score).toBe(100);
  });
});
