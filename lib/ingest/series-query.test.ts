import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bucketRange, bucketStart, queryObject, SERIES_MAX_POINTS, SERIES_WINDOWS, seriesQuerySchema, TRACK_MAX_POINTS, trackQuerySchema, windowFromParam } from "./series-query";

const WINDOW_MS = { "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 } as const;

describe("bucketRange", () => {
  it("never yields more buckets than points, starts on an edge and covers all but the partial first bucket", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SERIES_WINDOWS),
        fc.constantFrom(SERIES_MAX_POINTS, TRACK_MAX_POINTS),
        fc.integer({ min: 1_000_000_000_000, max: 4_000_000_000_000 }),
        (window, points, now) => {
          const range = bucketRange(window, now, points);
          const widthMs = range.bucketSeconds * 1000;
          expect(Number.isInteger(range.bucketSeconds)).toBe(true);
          expect(range.from % widthMs).toBe(0);
          expect(range.from).toBeGreaterThanOrEqual(now - WINDOW_MS[window]);
          expect(range.from - (now - WINDOW_MS[window])).toBeLessThan(widthMs);
          // Buckets touched by [from, to): from the one at `from` to the one holding to - 1 ms.
          const buckets = (bucketStart(range.to - 1, range.bucketSeconds) - range.from) / widthMs + 1;
          expect(buckets).toBeLessThanOrEqual(points);
        },
      ),
    );
  });

  it("uses 30 s, 12 min and 84 min buckets for the chart windows", () => {
    expect(SERIES_WINDOWS.map((w) => bucketRange(w, 1_800_000_000_000, SERIES_MAX_POINTS).bucketSeconds)).toEqual([30, 720, 5040]);
  });
});

describe("query parsing", () => {
  it("defaults to 24 h and every metric", () => {
    expect(seriesQuerySchema.parse(queryObject("http://x/api/devices/a/series"))).toEqual({ window: "24h" });
  });

  it("takes one known metric and one known window", () => {
    expect(seriesQuerySchema.parse(queryObject("http://x/s?metric=pm25&window=7d"))).toEqual({ window: "7d", metric: "pm25" });
  });

  it.each([
    "http://x/s?window=2h",
    "http://x/s?metric=pm25DeciUgM3",
    "http://x/s?metric=pm25&metric=pm10",
    "http://x/s?window=1h&unknown=1",
    "http://x/s?window=1h&window=24h",
  ])("rejects %s", (url) => {
    expect(seriesQuerySchema.safeParse(queryObject(url)).success).toBe(false);
  });

  it("rejects a metric on the track", () => {
    expect(trackQuerySchema.safeParse(queryObject("http://x/t?metric=pm25")).success).toBe(false);
  });

  it("falls back to the default window for a bad page parameter", () => {
    expect(windowFromParam("7d")).toBe("7d");
    expect(windowFromParam(["1h", "7d"])).toBe("24h");
    expect(windowFromParam(undefined)).toBe("24h");
  });
});
