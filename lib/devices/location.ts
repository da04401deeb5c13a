import { latLngToCell } from "h3-js";
import type { PositionFix } from "@/lib/ingest/device-activity";

/** H3 resolution of the public location: cells of about 5 km², enough for "which part of town". */
export const PUBLIC_CELL_RESOLUTION = 7;

export type DeviceLocation =
  | { precision: "exact"; lat: number; lon: number; accuracyMeters: number | null; measuredAt: Date }
  | { precision: "cell"; cell: string; resolution: number; measuredAt: Date };

/**
 * What a viewer may know of a device's position: its owner and its
 * project's admins and operators see the exact fix, everyone else only the
 * H3 cell around it (the same rule as the public map).
 */
export function locationForViewer(fix: PositionFix, canSeeExact: boolean): DeviceLocation {
  if (canSeeExact) return { precision: "exact", ...fix };
  return { precision: "cell", cell: latLngToCell(fix.lat, fix.lon, PUBLIC_CELL_RESOLUTION), resolution: PUBLIC_CELL_RESOLUTION, measuredAt: fix.measuredAt };
}
