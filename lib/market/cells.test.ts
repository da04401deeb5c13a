import fc from "fast-check";
import { cellToParent, latLngToCell } from "h3-js";
import { describe, expect, it } from "vitest";
import { InvalidCellsError, MARKET_CELL_RESOLUTION, normalizeCells } from "./cells";

const point = fc.record({ lat: fc.double({ min: -80, max: 80, noNaN: true }), lng: fc.double({ min: -179, max: 179, noNaN: true }) });

describe("normalizeCells", () => {
  // H3 nests logically, not geometrically (a child may poke out of its parent), so expectations use the hierarchy.
  it("maps a fine cell to its resolution-7 ancestor", () => {
    fc.assert(
      fc.property(point, fc.integer({ min: 7, max: 15 }), ({ lat, lng }, resolution) => {
        const cell = latLngToCell(lat, lng, resolution);
        expect(normalizeCells([cell])).toEqual([cellToParent(cell, MARKET_CELL_RESOLUTION)]);
      }),
    );
  });

  it("expands a coarse cell to every resolution-7 cell under it, so a fine cell inside it overlaps", () => {
    fc.assert(
      fc.property(point, fc.integer({ min: 4, max: 6 }), ({ lat, lng }, resolution) => {
        const area = latLngToCell(lat, lng, resolution);
        const coarse = normalizeCells([area]);
        expect(coarse.length).toBeGreaterThanOrEqual(7 ** (MARKET_CELL_RESOLUTION - resolution) - 10); // pentagons have fewer
        const fine = latLngToCell(lat, lng, 9);
        if (cellToParent(fine, resolution) === area) expect(coarse).toEqual(expect.arrayContaining(normalizeCells([fine])));
        for (const cell of coarse) expect(cellToParent(cell, resolution)).toBe(area);
      }),
      { numRuns: 30 },
    );
  });

  it("is sorted, unique and idempotent", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(point, fc.integer({ min: 5, max: 12 })), { maxLength: 6 }), (picks) => {
        const once = normalizeCells(picks.map(([{ lat, lng }, r]) => latLngToCell(lat, lng, r)));
        expect(once).toEqual([...new Set(once)].sort());
        expect(normalizeCells(once)).toEqual(once);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses non-cells, too-coarse cells and huge areas", () => {
    expect(() => normalizeCells(["not-a-cell"])).toThrow(InvalidCellsError);
    expect(() => normalizeCells([latLngToCell(52.5, 13.4, 3)])).toThrow(/coarser/);
    const many = [0, 1, 2, 3, 4, 5, 6].map((i) => latLngToCell(40 + i, 10 + i, 4));
    expect(() => normalizeCells(many)).toThrow(/more than/);
  });
});
