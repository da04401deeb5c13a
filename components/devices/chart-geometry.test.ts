import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SeriesPoint } from "@/lib/ingest/series-types";
import { chartShapes, geoProjection, valueDomain, type Frame } from "./chart-geometry";

const frame: Frame = { width: 400, height: 200, left: 40, right: 10, top: 10, bottom: 20 };
const point = (t: number, min: number, mean: number, max: number): SeriesPoint => ({ t: new Date(t).toISOString(), min, mean, max, count: 1 });
const numbersIn = (path: string): number[] => (path.match(/-?\d+(\.\d+)?/g) ?? []).map(Number);

describe("chartShapes", () => {
  it("breaks the band and the line at a gap and draws a lone bucket as a dot", () => {
    const points = [point(0, 1, 2, 3), point(60_000, 2, 3, 4), point(300_000, 5, 5, 5), point(600_000, 1, 1, 1), point(660_000, 0, 1, 2)];
    const shapes = chartShapes(points, 0, 720_000, 60_000, frame);
    expect(shapes.bands).toHaveLength(2);
    expect(shapes.lines).toHaveLength(2);
    expect(shapes.dots).toHaveLength(1);
  });

  it("keeps every drawn coordinate inside the plot area", () => {
    const arbitraryPoint = fc
      .tuple(fc.integer({ min: 0, max: 119 }), fc.double({ min: -1e4, max: 1e4, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true }), fc.double({ min: 0, max: 1e3, noNaN: true }))
      .map(([bucket, base, down, up]) => point(bucket * 30_000, base - down, base, base + up));
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryPoint, { selector: (p) => p.t, maxLength: 120 }), (unsorted) => {
        const points = [...unsorted].sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
        const shapes = chartShapes(points, 0, 3_600_000, 30_000, frame);
        const xs: number[] = [];
        const ys: number[] = [];
        for (const path of [...shapes.bands, ...shapes.lines]) {
          numbersIn(path).forEach((n, i) => (i % 2 === 0 ? xs : ys).push(n));
        }
        for (const dot of shapes.dots) {
          xs.push(dot.x);
          ys.push(dot.y);
        }
        for (const x of xs) {
          expect(x).toBeGreaterThanOrEqual(frame.left - 0.1);
          expect(x).toBeLessThanOrEqual(frame.width - frame.right + 0.1);
        }
        for (const y of ys) {
          expect(y).toBeGreaterThanOrEqual(frame.top - 0.1);
          expect(y).toBeLessThanOrEqual(frame.height - frame.bottom + 0.1);
        }
      }),
    );
  });

  it("gives a flat series a visible range", () => {
    expect(valueDomain([point(0, 4, 4, 4)])).toEqual([3, 5]);
    expect(valueDomain([])).toEqual([0, 1]);
  });
});

describe("geoProjection", () => {
  it("puts north up, east right and keeps every point in the frame", () => {
    const coordinates: Array<[number, number]> = [
      [52.5, 13.4],
      [52.51, 13.42],
      [52.49, 13.38],
    ];
    const project = geoProjection(coordinates, frame);
    const north = project(52.51, 13.4);
    const south = project(52.49, 13.4);
    expect(north.y).toBeLessThan(south.y);
    expect(project(52.5, 13.42).x).toBeGreaterThan(project(52.5, 13.38).x);
    for (const [lat, lon] of coordinates) {
      const { x, y } = project(lat, lon);
      expect(x).toBeGreaterThanOrEqual(frame.left);
      expect(x).toBeLessThanOrEqual(frame.width - frame.right);
      expect(y).toBeGreaterThanOrEqual(frame.top);
      expect(y).toBeLessThanOrEqual(frame.height - frame.bottom);
    }
  });
});
