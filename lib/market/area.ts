import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { InvalidCellsError, normalizeCells } from "./cells";
import { InvalidAreaError } from "./errors";

/** How far back a device's reported cells and metrics count as "where it is" and "what it measures". */
export const RECENT_ACTIVITY_MS = 7 * 24 * 60 * 60 * 1000;

/** The normalised cells of `cells`, as a 400 when they are not a valid area. */
export function areaFromCells(cells: readonly string[]): string[] {
  try {
    return normalizeCells(cells);
  } catch (error) {
    if (error instanceof InvalidCellsError) throw new InvalidAreaError(error.message);
    throw error;
  }
}

export interface RecentActivity {
  cellsR7: string[];
  metrics: string[];
}

/** Resolution-7 cells and metric names the devices reported in their computed hours since `since`, per device. */
export async function recentActivity(db: PrismaClient, devices: readonly string[], since: Date): Promise<Map<string, RecentActivity>> {
  const rows = await db.$queryRaw<Array<{ device: string; cells: string[]; metrics: string[] }>>`
    SELECT "device",
           ARRAY(SELECT DISTINCT c FROM "DeviceHour" h2, unnest(h2."cellsR7") AS c
                 WHERE h2."device" = h."device" AND h2."hourStart" >= ${since} ORDER BY c) AS cells,
           ARRAY(SELECT DISTINCT k FROM "DeviceHour" h3, jsonb_object_keys(h3."sensors") AS k
                 WHERE h3."device" = h."device" AND h3."hourStart" >= ${since} ORDER BY k) AS metrics
    FROM (SELECT DISTINCT "device" FROM "DeviceHour" WHERE "device" = ANY(${devices.map((d) => d.toLowerCase())}) AND "hourStart" >= ${since}) h`;
  return new Map(rows.map((row) => [row.device, { cellsR7: row.cells, metrics: row.metrics }]));
}
