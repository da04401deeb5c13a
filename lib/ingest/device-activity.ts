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
