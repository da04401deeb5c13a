import { cellToBoundary, isValidCell, latLngToCell } from "h3-js";
import { MARKET_CELL_RESOLUTION } from "./cells";

/** Client-safe H3 helpers for the area pickers and the market map. */

/** The market cell (resolution 7) under a point. */
export function cellAt(lat: number, lon: number): string {
  return latLngToCell(lat, lon, MARKET_CELL_RESOLUTION);
}

/** Adds `cell` when absent, removes it when present; the result stays sorted. */
export function toggleCell(cells: readonly string[], cell: string): string[] {
  return cells.includes(cell) ? cells.filter((c) => c !== cell) : [...cells, cell].sort();
}

export interface CellFeature {
  type: "Feature";
  properties: { cell: string; [key: string]: string | number };
  geometry: { type: "Polygon"; coordinates: number[][][] };
}

/** Cells as GeoJSON polygons ([lon, lat], closed rings); cells h3 does not know are skipped. */
export function cellPolygons(cells: readonly string[], properties: (cell: string) => Record<string, string | number> = () => ({})): { type: "FeatureCollection"; features: CellFeature[] } {
  const features: CellFeature[] = [];
  for (const cell of cells) {
    // A half-typed cell has nothing to draw yet.
    if (!isValidCell(cell)) continue;
    features.push({ type: "Feature", properties: { ...properties(cell), cell }, geometry: { type: "Polygon", coordinates: [cellToBoundary(cell, true)] } });
  }
  return { type: "FeatureCollection", features };
}
