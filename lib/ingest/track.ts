import "server-only";
import { cellToBoundary, latLngToCell } from "h3-js";
import { hexToBytes, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { PUBLIC_CELL_RESOLUTION } from "../devices/location";
import { canSeeExactLocation } from "../devices/viewer";
import { bucketRange, TRACK_MAX_POINTS, type TrackQuery } from "./series-query";
import type { CellVisit, DeviceTrack, ExactTrackPoint } from "./series-types";

type FixRow = { measured_at: Date; lat_e6: number; lon_e6: number; accuracy_cm: number | null };

/**
 * Where a device has been over a window, for `viewer`: its owner and its
 * project's staff (lib/devices/viewer) get the last fix of each bucket,
 * everyone else only the sequence of H3 cells (the public precision of
 * lib/devices/location) — exact coordinates never leave this function for them.
 */
export async function trackForViewer(db: PrismaClient, device: Address, viewer: Address | null, query: TrackQuery, now = Date.now()): Promise<DeviceTrack> {
  const exact = await canSeeExactLocation(db, device, viewer);
  const range = bucketRange(query.window, now, TRACK_MAX_POINTS);
  // The last fix of each bucket: a real position the device signed, not an average of several.
  const rows = await db.$queryRaw<FixRow[]>`
    SELECT DISTINCT ON (bucket) date_bin(${range.bucketSeconds}::int * interval '1 second', measured_at, timestamptz '1970-01-01 00:00:00+00') AS bucket,
           measured_at, lat_e6, lon_e6, accuracy_cm
      FROM ingest.telemetry
     WHERE device = ${Buffer.from(hexToBytes(device))} AND lat_e6 IS NOT NULL
       AND measured_at >= ${new Date(range.from).toISOString()}::timestamptz AND measured_at < ${new Date(range.to).toISOString()}::timestamptz
     ORDER BY bucket, measured_at DESC`;
  const base = {
    device: device.toLowerCase(),
    window: query.window,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    bucketSeconds: range.bucketSeconds,
  };
  if (exact) {
    const points: ExactTrackPoint[] = rows.map((row) => ({
      t: row.measured_at.toISOString(),
      lat: row.lat_e6 / 1e6,
      lon: row.lon_e6 / 1e6,
      accuracyMeters: row.accuracy_cm === null ? null : row.accuracy_cm / 100,
    }));
    return { ...base, precision: "exact", points };
  }
  return { ...base, precision: "cell", resolution: PUBLIC_CELL_RESOLUTION, cells: cellVisits(rows) };
}

/** Consecutive fixes in the same cell merge into one visit; a cell left and re-entered is a new visit. */
function cellVisits(rows: readonly FixRow[]): CellVisit[] {
  const visits: CellVisit[] = [];
  for (const row of rows) {
    const cell = latLngToCell(row.lat_e6 / 1e6, row.lon_e6 / 1e6, PUBLIC_CELL_RESOLUTION);
    const at = row.measured_at.toISOString();
    const last = visits.at(-1);
    if (last && last.cell === cell) {
      last.lastSeen = at;
    } else {
      const boundary = cellToBoundary(cell).map(([lat, lon]) => [round6(lat), round6(lon)] as [number, number]);
      visits.push({ cell, boundary, firstSeen: at, lastSeen: at });
    }
  }
  return visits;
}

const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
