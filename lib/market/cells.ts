import { cellToChildren, cellToParent, getResolution, isValidCell } from "h3-js";

/** Listings and requests are matched on H3 cells at this resolution (the public cell of a device, ~5 km²). */
export const MARKET_CELL_RESOLUTION = 7;
/** Coarsest cell accepted: one resolution-4 cell is 7³ = 343 resolution-7 cells, enough for a city region. */
export const COARSEST_CELL_RESOLUTION = 4;
/** Most resolution-7 cells one listing or request may cover. */
export const MAX_MARKET_CELLS = 2_000;

export class InvalidCellsError extends Error {}

/**
 * Any mix of H3 cells (resolution 4…15) as the sorted, unique resolution-7 cells
 * they cover: finer cells become their parent, coarser ones their children, so
 * two areas overlap exactly when their normalised arrays share a cell.
 */
export function normalizeCells(cells: readonly string[]): string[] {
  const result = new Set<string>();
  for (const raw of cells) {
    const cell = raw.toLowerCase();
    if (!isValidCell(cell)) throw new InvalidCellsError(`${raw} is not an H3 cell`);
    const resolution = getResolution(cell);
    if (resolution < COARSEST_CELL_RESOLUTION) throw new InvalidCellsError(`${raw} is coarser than resolution ${COARSEST_CELL_RESOLUTION}`);
    if (resolution >= MARKET_CELL_RESOLUTION) result.add(cellToParent(cell, MARKET_CELL_RESOLUTION));
    else for (const child of cellToChildren(cell, MARKET_CELL_RESOLUTION)) result.add(child);
    if (result.size > MAX_MARKET_CELLS) throw new InvalidCellsError(`the area covers more than ${MAX_MARKET_CELLS} resolution-${MARKET_CELL_RESOLUTION} cells`);
  }
  return [...result].sort();
}
