import "server-only";
import { hexToBytes, type Hex } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { deviceStatus } from "../quality/status";
import { mapDeviceSelect } from "./device-select";
import { mapDeviceForViewer, type MapDevice, type MapDeviceRow } from "./privacy";
import { WINDOWS, type TimeWindow } from "./viewport-params";

/** Devices one viewer sees exactly: owned, or in a project they administer or operate. */
const MAX_MINE = 500;
/** Tracks are drawn for at most this many of them, one point per 5 minutes. */
const MAX_TRACKS = 50;

export interface MyMapDevices {
  devices: MapDevice[];
  tracks: Array<{ address: string; points: Array<[number, number]> }>;
}

/** For a signed-in viewer only: their devices with exact fixes and recent tracks. */
export async function myMapDevices(db: PrismaClient, viewer: string, window: TimeWindow, now = new Date()): Promise<MyMapDevices> {
  const rows = await db.$queryRaw<MapDeviceRow[]>`
    ${mapDeviceSelect(viewer)} WHERE e.allowed ORDER BY m."lastSeenAt" DESC LIMIT ${MAX_MINE}`;
  const devices = rows.map((row) => mapDeviceForViewer(row, deviceStatus(row.lastSeenAt, now)));
  const tracked = devices.slice(0, MAX_TRACKS).map((d) => Buffer.from(hexToBytes(d.address as Hex)));
  if (tracked.length === 0) return { devices, tracks: [] };
  const since = new Date(now.getTime() - WINDOWS[window]).toISOString();
  const points = await db.$queryRaw<Array<{ device: string; lat_e6: number; lon_e6: number }>>`
    SELECT DISTINCT ON (t.device, t.bucket) '0x' || encode(t.device, 'hex') AS device, t.lat_e6, t.lon_e6
    FROM (SELECT device, date_bin('5 minutes', measured_at, 'epoch') AS bucket, measured_at, lat_e6, lon_e6
          FROM ingest.telemetry
          WHERE device = ANY(${tracked}::bytea[]) AND measured_at >= ${since}::timestamptz AND lat_e6 IS NOT NULL) t
    ORDER BY t.device, t.bucket, t.measured_at DESC`;
  const byDevice = new Map<string, Array<[number, number]>>();
  for (const point of points) {
    const list = byDevice.get(point.device) ?? [];
    list.push([point.lon_e6 / 1e6, point.lat_e6 / 1e6]);
    byDevice.set(point.device, list);
  }
  return { devices, tracks: [...byDevice].map(([address, track]) => ({ address, points: track })) };
}
