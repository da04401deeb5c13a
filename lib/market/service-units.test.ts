import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { serviceMeasure, servicePeriods } from "./service-units";

const HOUR = 3_600_000;

describe("service units", () => {
  it("measures only units the device protocol carries", () => {
    expect(serviceMeasure("correction-minute")).toBe("online-minutes");
    expect(serviceMeasure("reading")).toBe("readings");
    expect(serviceMeasure("kwh")).toBeNull();
    expect(serviceMeasure("constructor")).toBeNull();
  });

  it("cuts the delivery window at whole hours from the first whole minute, only periods settled by now", () => {
    const created = new Date(Date.UTC(2026, 0, 1, 10, 20, 30));
    const end = new Date(Date.UTC(2026, 0, 1, 13, 0, 0));
    const periods = servicePeriods(created, end, Date.UTC(2026, 0, 1, 12, 10), 5 * 60_000);
    expect(periods.map((p) => [p.start.toISOString(), p.end.toISOString()])).toEqual([
      ["2026-01-01T10:21:00.000Z", "2026-01-01T11:00:00.000Z"],
      ["2026-01-01T11:00:00.000Z", "2026-01-01T12:00:00.000Z"],
    ]);
    expect(servicePeriods(created, end, Date.UTC(2026, 0, 2), 0).at(-1)?.end).toEqual(end);
  });

  it("periods tile the window without gaps or overlaps and never end after now − settle", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 1, max: 200 * HOUR }), fc.integer({ min: 0, max: 300 * HOUR }), fc.integer({ min: 0, max: 2 * HOUR }), (created, length, elapsed, settle) => {
        const createdAt = new Date(created);
        const deliveryEnd = new Date(created + length);
        const now = created + elapsed;
        const periods = servicePeriods(createdAt, deliveryEnd, now, settle);
        for (const [i, period] of periods.entries()) {
          expect(period.end.getTime()).toBeGreaterThan(period.start.getTime());
          expect(period.end.getTime()).toBeLessThanOrEqual(Math.min(deliveryEnd.getTime(), now - settle));
          expect(period.end.getTime() - period.start.getTime()).toBeLessThanOrEqual(HOUR);
          if (i > 0) expect(period.start).toEqual(periods[i - 1]?.end);
          else expect(period.start.getTime() - created).toBeLessThan(60_000);
        }
      }),
    );
  });
});
