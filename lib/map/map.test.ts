import fc from "fast-check";
import { cellToParent, getResolution, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { mapCellsFor } from "./cells";
import { searchCities } from "./cities";
import { hexRing } from "./hexagons";
import { mapDeviceForViewer, type MapDeviceRow } from "./privacy";
import { FRAME_MS, frameStart, longitudeRanges, playbackFrames, resolutionForZoom, viewportQuerySchema, WINDOW_KEYS, WINDOWS } from "./viewport-params";

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

describe("playback frames", () => {
  it("step through the whole window in aligned frames, oldest first, ending at the latest usable frame", () => {
    fc.assert(
      fc.property(fc.constantFrom(...WINDOW_KEYS), fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }), (window, nowMs) => {
        const now = new Date(nowMs);
        const frames = playbackFrames(window, now);
        const step = FRAME_MS[window];
        expect(frames).toHaveLength(WINDOWS[window] / step);
        for (const [i, frame] of frames.entries()) {
          expect(frame.getTime() % step).toBe(0);
          if (i > 0) expect(frame.getTime() - frames[i - 1]!.getTime()).toBe(step);
          expect(frameStart(window, new Date(frame.getTime() + step - 1)).getTime()).toBe(frame.getTime());
        }
        const last = frames[frames.length - 1]!.getTime();
        // 5-minute frames include the current one (raw readings); hourly ones end with the last finished hour.
        if (window === "1h") expect(last).toBe(frameStart(window, now).getTime());
        else expect(last + step).toBe(frameStart(window, now).getTime());
      }),
    );
    expect(playbackFrames("24h", new Date("2026-11-25T10:30:00Z"))[23]?.toISOString()).toBe("2026-11-25T09:00:00.000Z");
    expect(playbackFrames("1h", new Date("2026-11-25T10:32:00Z")).map((d) => d.toISOString().slice(11, 16))).toEqual(
      ["09:35", "09:40", "09:45", "09:50", "09:55", "10:00", "10:05", "10:10", "10:15", "10:20", "10:25", "10:30"],
    );
  });

  it("the viewport accepts a frame time and rejects anything else", () => {
    const box = { west: "0", south: "0", east: "1", north: "1", zoom: "5" };
    expect(viewportQuerySchema.parse({ ...box, frame: "2026-11-25T09:00:00Z" }).frame?.toISOString()).toBe("2026-11-25T09:00:00.000Z");
    expect(viewportQuerySchema.safeParse({ ...box, frame: "yesterday" }).success).toBe(false);
  });
});
