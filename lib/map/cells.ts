/** The H3 cells a device position is stored under for the map. Pure. */
import { cellToLatLng, cellToParent, latLngToCell } from "h3-js";
import { PUBLIC_CELL_RESOLUTION } from "@/lib/devices/location";

export interface MapCells {
  cellR7: string;
  publicLat: number;
  publicLon: number;
  cellR2: string;
  cellR3: string;
  cellR4: string;
  cellR5: string;
  cellR6: string;
}

export function mapCellsFor(lat: number, lon: number): MapCells {
  const cellR7 = latLngToCell(lat, lon, PUBLIC_CELL_RESOLUTION);
  const [publicLat, publicLon] = cellToLatLng(cellR7);
  return {
    cellR7,
    publicLat,
    publicLon,
    cellR2: cellToParent(cellR7, 2),
    cellR3: cellToParent(cellR7, 3),
    cellR4: cellToParent(cellR7, 4),
    cellR5: cellToParent(cellR7, 5),
    cellR6: cellToParent(cellR7, 6),
  };
}
