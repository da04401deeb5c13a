import fc from "fast-check";
import { cellToLatLng } from "h3-js";
import { describe, expect, it } from "vitest";
import { cellAt, cellPolygons, toggleCell } from "./cell-geometry";

describe("toggleCell", () => {
  it("toggling twice gives back the same sorted area", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.double({ min: -80, max: 80, noNaN: true }), fc.double({ min: -179, max: 179, noNaN: true })), { maxLength: 8 }), fc.double({ min: -80, max: 80, noNaN: true }), fc.double({ min: -179, max: 179, noNaN: true }), (points, lat, lon) => {
        const area = [...new Set(points.map(([a, b]) => cellAt(a, b)))].sort();
        const cell = cellAt(lat, lon);
        const once = toggleCell(area, cell);
        expect(once.includes(cell)).toBe(!area.includes(cell));
        expect(once).toEqual([...once].sort());
        expect(toggleCell(once, cell)).toEqual(area);
      }),
    );
  });
});

describe("cellPolygons", () => {
  it("draws closed rings around each cell's centre and skips what is not a cell", () => {
    const cell = cellAt(52.52, 13.405);
    const { features } = cellPolygons([cell, "not-a-cell"], () => ({ count: 2 }));
    expect(features).toHaveLength(1);
    const ring = features[0]!.geometry.coordinates[0]!;
    expect(ring[0]).toEqual(ring.at(-1));
    const [lat, lon] = cellToLatLng(cell);
    const lons = ring.map((point) => point[0]!);
    const lats = ring.map((point) => point[1]!);
    expect(Math.min(...lons) < lon && lon < Math.max(...lons)).toBe(true);
    expect(Math.min(...lats) < lat && lat < Math.max(...lats)).toBe(true);
    expect(features[0]!.properties).toEqual({ cell, count: 2 });
  });
});
