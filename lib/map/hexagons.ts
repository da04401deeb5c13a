/** Hexagon features for the map: pure, shared by the viewport and the unit tests. */
import { cellToBoundary } from "h3-js";

export interface HexAggregate {
  cell: string;
  devices: number;
  online: number;
  value: number | null;
  quality: number | null;
}

export interface HexFeature {
  type: "Feature";
  id: string;
  properties: HexAggregate;
  geometry: { type: "Polygon"; coordinates: number[][][] };
}

/**
 * The cell's outline as a GeoJSON ring ([lon, lat], closed). A cell crossing
 * the antimeridian gets its western vertices shifted by 360° so it draws as
 * one hexagon instead of a band around the world.
 */
export function hexRing(cell: string): number[][] {
  const ring = cellToBoundary(cell, true);
  const lons = ring.map(([lon]) => lon!);
  if (Math.max(...lons) - Math.min(...lons) > 180) {
    return ring.map(([lon, lat]) => [lon! < 0 ? lon! + 360 : lon!, lat!]);
  }
  return ring;
}

export function hexFeature(aggregate: HexAggregate): HexFeature {
  return { type: "Feature", id: aggregate.cell, properties: aggregate, geometry: { type: "Polygon", coordinates: [hexRing(aggregate.cell)] } };
}
