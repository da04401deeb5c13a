import "server-only";
import type { PrismaClient } from "../db/generated/client";
import { deviceStatus } from "../quality/status";
import { mapDeviceSelect } from "./device-select";
import { mapDeviceForViewer, type MapDevice, type MapDeviceRow } from "./privacy";
import { longitudeRanges } from "./viewport-params";

export interface LiveBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const MAX_CHANGES = 500;

/**
 * Devices in the box whose map row changed after `since` (database clock, as
 * written by the refresh job), oldest change first, and the cursor to poll
 * from next. Polling the database keeps every app instance consistent.
 */
export async function devicesChangedSince(
  db: PrismaClient,
  box: LiveBox,
  since: Date,
  viewer: string | null,
  now = new Date(),
): Promise<{ devices: MapDevice[]; cursor: Date }> {
  const ranges = longitudeRanges(box.west, box.east);
  const rows = await db.$queryRaw<Array<MapDeviceRow & { updatedAt: Date }>>`
    SELECT * FROM (${mapDeviceSelect(viewer)}) s
    JOIN (SELECT device AS changed, "updatedAt" FROM map_device
          WHERE "updatedAt" > ${since.toISOString()}::timestamptz AT TIME ZONE 'UTC'
            AND "publicLat" BETWEEN ${box.south} AND ${box.north}
            AND ("publicLon" BETWEEN ${ranges[0]![0]} AND ${ranges[0]![1]} OR "publicLon" BETWEEN ${ranges.at(-1)![0]} AND ${ranges.at(-1)![1]})
          ORDER BY "updatedAt" LIMIT ${MAX_CHANGES}) c ON c.changed = s.device
    ORDER BY c."updatedAt"`;
  const cursor = rows.length > 0 ? rows[rows.length - 1]!.updatedAt : since;
  return { devices: rows.map((row) => mapDeviceForViewer(row, deviceStatus(row.lastSeenAt, now))), cursor };
}

/** Where a new live stream starts: the newest change now, so it sends only what changes next. */
export async function liveCursor(db: PrismaClient): Promise<Date> {
  const [row] = await db.$queryRaw<Array<{ at: Date | null }>>`SELECT max("updatedAt") AS at FROM map_device`;
  return row?.at ?? new Date(0);
}
