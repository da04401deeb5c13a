import { cellToLatLng, getResolution } from "h3-js";
import { describe, expect, it } from "vitest";
import { locationForViewer, PUBLIC_CELL_RESOLUTION } from "./location";

const fix = { lat: 52.520008, lon: 13.404954, accuracyMeters: 4.5, measuredAt: new Date("2026-11-25T12:00:00Z") };

describe("locationForViewer", () => {
  it("gives the owner or project staff the exact fix", () => {
    expect(locationForViewer(fix, true)).toEqual({ precision: "exact", ...fix });
  });

  it("gives everyone else only the surrounding H3 cell, with no coordinates", () => {
    const location = locationForViewer(fix, false);
    expect(location.precision).toBe("cell");
    if (location.precision !== "cell") return;
    expect(getResolution(location.cell)).toBe(PUBLIC_CELL_RESOLUTION);
    expect(Object.keys(location).sort()).toEqual(["cell", "measuredAt", "precision", "resolution"]);
    // The cell's centre is near the fix but is not the fix.
    const [lat, lon] = cellToLatLng(location.cell);
    expect(Math.abs(lat - fix.lat)).toBeLessThan(0.05);
    expect(Math.abs(lon - fix.lon)).toBeLessThan(0.05);
    expect([lat, lon]).not.toEqual([fix.lat, fix.lon]);
  });
});
