import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { aggregateHour } from "../aggregates/hourly";
import type { DeviceReading } from "../aggregates/reading";
import { DEFAULT_QUALITY_CONFIG } from "./config";
import { scoreDevice } from "./score";
import { detectSharedPositions } from "./shared-positions";
import { DEVICE_A, DEVICE_B, HOUR } from "./test-fixtures";

/**
 * Readings of one device in one hour: sometimes regular, sometimes chaotic
 * (teleports, frozen and jumping values, bursts, clock errors), so every check fires.
 */
const readingsArb = (device = DEVICE_A): fc.Arbitrary<DeviceReading[]> =>
  fc
    .array(
      fc.record(
        {
          offset: fc.integer({ min: 0, max: 3_599_999 }),
          latency: fc.integer({ min: -60_000, max: 600_000 }),
          position: fc.record({
            lat: fc.oneof(fc.integer({ min: 52_500_000, max: 52_501_000 }), fc.integer({ min: -90_000_000, max: 90_000_000 })),
            lon: fc.integer({ min: 13_400_000, max: 13_401_000 }),
            accuracyCm: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
          }),
          temperatureCentiC: fc.oneof(fc.constant(2150), fc.integer({ min: -10_000, max: 15_000 })),
          humidityCentiPct: fc.integer({ min: 0, max: 10_000 }),
        },
        { requiredKeys: ["offset", "latency"] },
      ),
      { maxLength: 200 },
    )
    .map((rows) =>
      rows.map((row, i): DeviceReading => {
        const reading: DeviceReading = {
          device,
          sequence: BigInt(i + 1),
          measuredAt: HOUR + row.offset,
          receivedAt: HOUR + row.offset + row.latency,
          readings: {},
        };
        if (row.position) {
          reading.lat = row.position.lat / 1e6;
          reading.lon = row.position.lon / 1e6;
          if (row.position.accuracyCm !== undefined) reading.accuracyMeters = row.position.accuracyCm / 100;
        }
        if (row.temperatureCentiC !== undefined) reading.readings.temperature = row.temperatureCentiC / 100;
        if (row.humidityCentiPct !== undefined) reading.readings.humidity = row.humidityCentiPct / 100;
        return reading;
      }),
    );

const withShuffle = <T>(arb: fc.Arbitrary<T[]>) =>
  arb.chain((items) => fc.tuple(fc.constant(items), fc.shuffledSubarray(items, { minLength: items.length, maxLength: items.length })));

describe("properties", () => {
  it("score is an integer in 0..100 and equals 100 minus the capped penalties", () => {
    fc.assert(
      fc.property(readingsArb(), (readings) => {
        const { score, penalties } = scoreDevice({ readings });
        expect(Number.isInteger(score)).toBe(true);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        for (const p of penalties) expect(p.points).toBeLessThanOrEqual(p.cap);
        expect(score).toBe(Math.max(0, 100 - penalties.reduce((sum, p) => sum + p.points, 0)));
      }),
    );
  });

  it("input order changes neither the score nor the findings", () => {
    fc.assert(
      fc.property(withShuffle(readingsArb()), ([readings, shuffled]) => {
        expect(scoreDevice({ readings: shuffled })).toEqual(scoreDevice({ readings }));
      }),
    );
  });

  it("aggregates: independent of order, count equals inputs, ≤ 60 online minutes, min ≤ mean ≤ max, sorted unique cells", () => {
    fc.assert(
      fc.property(withShuffle(readingsArb().filter((r) => r.length > 0)), ([readings, shuffled]) => {
        const aggregate = aggregateHour(readings, new Date(HOUR));
        expect(aggregateHour(shuffled, new Date(HOUR))).toEqual(aggregate);
        expect(aggregate.messageCount).toBe(readings.length);
        expect(aggregate.onlineMinutes).toBeGreaterThanOrEqual(1);
        expect(aggregate.onlineMinutes).toBeLessThanOrEqual(Math.min(60, readings.length));
        expect(aggregate.distanceMeters).toBeGreaterThanOrEqual(0);
        for (const stats of Object.values(aggregate.sensors)) {
          expect(stats.min).toBeLessThanOrEqual(stats.mean);
          expect(stats.mean).toBeLessThanOrEqual(stats.max);
          expect(stats.count).toBeLessThanOrEqual(readings.length);
        }
        for (const cells of [aggregate.cellsR7, aggregate.cellsR8]) expect(cells).toEqual([...new Set(cells)].sort());
        expect(aggregate.firstAt.getTime()).toBeLessThanOrEqual(aggregate.lastAt.getTime());
      }),
    );
  });

  it("shared positions are symmetric and independent of map order", () => {
    fc.assert(
      fc.property(readingsArb(DEVICE_A), readingsArb(DEVICE_B), (a, b) => {
        const copied = [...b, ...a.slice(0, 50).map((r) => ({ ...r, device: DEVICE_B, sequence: r.sequence + 1000n }))];
        const forward = detectSharedPositions(new Map([[DEVICE_A, a], [DEVICE_B, copied]]), DEFAULT_QUALITY_CONFIG.shared);
        const backward = detectSharedPositions(new Map([[DEVICE_B, copied], [DEVICE_A, a]]), DEFAULT_QUALITY_CONFIG.shared);
        expect(backward).toEqual(forward);
        expect(forward.has(DEVICE_A)).toBe(forward.has(DEVICE_B));
      }),
      { numRuns: 50 },
    );
  });
});
