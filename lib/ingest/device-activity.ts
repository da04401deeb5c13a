import "server-only";
import { hexToBytes, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";

/**
 * When each device last delivered an accepted message, from the ingest
 * sequence guard (ingest.device_state) — the one place that records it.
 * Devices never heard from are absent from the map. Keys are lowercase.
 */
export async function lastSeenByDevice(db: PrismaClient, devices: readonly Address[]): Promise<Map<string, Date>> {
  if (devices.length === 0) return new Map();
  const keys = devices.map((device) => Buffer.from(hexToBytes(device)));
  const rows = await db.$queryRaw<Array<{ device: Uint8Array; last_seen_at: Date | null }>>`
    SELECT device, last_seen_at FROM ingest.device_state WHERE device = ANY(${keys}::bytea[])`;
  const seen = new Map<string, Date>();
  for (const row of rows) {
    if (row.last_seen_at) seen.set(`0x${Buffer.from(row.device).toString("hex")}`, row.last_seen_at);
  }
  return seen;
}

/** The newest signed position a device reported, in the protocol's fixed-point units decoded. */
export interface PositionFix {
  lat: number;
  lon: number;
  accuracyMeters: number | null;
  measuredAt: Date;
}

export async function latestPositionFix(db: PrismaClient, device: Address): Promise<PositionFix | null> {
  const rows = await db.$queryRaw<Array<{ lat_e6: number; lon_e6: number; accuracy_cm: number | null; measured_at: Date }>>`
    SELECT lat_e6, lon_e6, accuracy_cm, measured_at FROM ingest.telemetry
    WHERE device = ${Buffer.from(hexToBytes(device))} AND lat_e6 IS NOT NULL
    ORDER BY measured_at DESC LIMIT 1`;
  const row = rows[0];
  if (!row) return null;
  return {
    lat: row.lat_e6 / 1e6,
    lon: row.lon_e6 / 1e6,
    accuracyMeters: row.accuracy_cm === null ? null : row.accuracy_cm / 100,
    measuredAt: row.measured_at,
  };
}
