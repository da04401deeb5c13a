import fc from "fast-check";
import { cellToParent, getResolution, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { mapCellsFor } from "./cells";
import { searchCities } from "./cities";
import { hexRing } from "./hexagons";
import { mapDeviceForViewer, type MapDeviceRow } from "./privacy";
import { longitudeRanges, resolutionForZoom, viewportQuerySchema } from "./viewport-params";

const row = (overrides: Partial<MapDeviceRow> = {}): MapDeviceRow => ({
  device: "0x00000000000000000000000000000000000000aa",
  projectSlug: "demo",
  projectName: "Demo",
  lat: 52.520123,
  lon: 13.405456,
  cellR7: latLngToCell(52.520123, 13.405456, 7),
  publicLat: 52.51,
  publicLon: 13.41,
  lastSeenAt: new Date("2026-11-25T12:00:00Z"),
  pm25: 12.5,
  temperature: 8,
  humidity: 70,
  light: null,
  qualityScore: 90,
  uptimePct: 100,
  canSeeExact: false,
  ...overrides,
});

describe("mapDeviceForViewer (privacy)", () => {
  it("never carries the exact fix for a viewer who may not see it, even if the row holds it", () => {
    const device = mapDeviceForViewer(row(), "online");
    expect(device.exact).toBeUndefined();
    expect(JSON.stringify(device)).not.toContain("52.520123");
    expect(JSON.stringify(device)).not.toContain("13.405456");
    expect([device.lat, device.lon]).toEqual([52.51, 13.41]);
  });

  it("adds the exact fix for the owner or a project admin", () => {
    expect(mapDeviceForViewer(row({ canSeeExact: true }), "online").exact).toEqual({ lat: 52.520123, lon: 13.405456 });
  });

  it("public position is always the res-7 cell centre, whatever the exact fix", () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 179.999, noNaN: true }), (lat, lon) => {
        const cells = mapCellsFor(lat, lon);
        const device = mapDeviceForViewer(row({ lat, lon, ...cells, canSeeExact: false }), "stale");
        expect(latLngToCell(device.lat, device.lon, 7)).toBe(cells.cellR7);
        expect(device.exact).toBeUndefined();
      }),
    );
  });
});

describe("mapCellsFor (aggregation keys)", () => {
  it("stores the ancestors of the public cell, one per hexagon resolution", () => {
    fc.assert(
      fc.property(fc.double({ min: -85, max: 85, noNaN: true }), fc.double({ min: -180, max: 179.999, noNaN: true }), (lat, lon) => {
        const cells = mapCellsFor(lat, lon);
        expect(getResolution(cells.cellR7)).toBe(7);
        for (const res of [2, 3, 4, 5, 6] as const) expect(cells[`cellR${res}`]).toBe(cellToParent(cells.cellR7, res));
      }),
    );
  });
});

describe("resolutionForZoom", () => {
  it("never decreases as the zoom grows and stays within 2…7", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 24, noNaN: true }), fc.double({ min: 0, max: 24, noNaN: true }), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(resolutionForZoom(low)).toBeLessThanOrEqual(resolutionForZoom(high));
        expect(resolutionForZoom(high)).toBeLessThanOrEqual(7);
        expect(resolutionForZoom(low)).toBeGreaterThanOrEqual(2);
      }),
    );
  });
});

describe("viewport bbox", () => {
  it("splits a bbox crossing the antimeridian into two ranges", () => {
    expect(longitudeRanges(170, -170)).toEqual([
      [170, 180],
      [-180, -170],
    ]);
    expect(longitudeRanges(-10, 10)).toEqual([[-10, 10]]);
  });

  it("rejects out-of-range coordinates and unknown metrics", () => {
    const ok = { west: "-10", south: "40", east: "10", north: "50", zoom: "4" };
    expect(viewportQuerySchema.parse(ok)).toMatchObject({ metric: "pm25", window: "24h", zoom: 4 });
    expect(viewportQuerySchema.safeParse({ ...ok, north: "91" }).success).toBe(false);
    expect(viewportQuerySchema.safeParse({ ...ok, south: "60" }).success).toBe(false);
    expect(viewportQuerySchema.safeParse({ ...ok, metric: "secret" }).success).toBe(false);
    expect(viewportQuerySchema.safeParse({ ...ok, project: "x'; DROP TABLE" }).success).toBe(false);
  });
});

describe("hexRing", () => {
  it("draws a cell on the antimeridian as one compact hexagon", () => {
    const ring = hexRing(latLngToCell(0, 179.9, 2));
    const lons = ring.map(([lon]) => lon!);
    expect(Math.max(...lons) - Math.min(...lons)).toBeLessThan(30);
  });
});

describe("searchCities", () => {
  it("finds cities by prefix, ignoring case and accents", () => {
    expect(searchCities("sao")[0]?.name).toBe("São Paulo");
    expect(searchCities("BER")[0]?.name).toBe("Berlin");
    expect(searchCities("")).toEqual([]);
  });
});
