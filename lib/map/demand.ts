import "server-only";
import { gridDisk } from "h3-js";
import type { PrismaClient } from "../db/generated/client";
import { hexFeature, type HexFeature } from "./hexagons";

/**
 * "Earn more here": res-5 cells (~250 km²) next to covered ones that have
 * fewer than `threshold` devices reporting in the last 24 h. Neighbours of
 * covered cells only, so the layer points at the edge of existing networks
 * (where placement is realistic) rather than the oceans. Consumer demand from
 * the marketplace (data wanted where) is not part of this score: the
 * marketplace's requests are not in this database schema yet, and this layer
 * is built from device coverage alone.
 */
export async function underServedCells(db: PrismaClient, options: { threshold?: number; limit?: number } = {}): Promise<HexFeature[]> {
  const { threshold = 2, limit = 200 } = options;
  const rows = await db.$queryRaw<Array<{ cell: string; devices: number }>>`
    SELECT "cellR5" AS cell, count(*)::int AS devices FROM map_device
    WHERE "lastSeenAt" >= (now() - interval '24 hours') AT TIME ZONE 'UTC'
    GROUP BY 1 ORDER BY 2 DESC LIMIT 2000`;
  const covered = new Map(rows.map((row) => [row.cell, row.devices]));
  const candidates = new Map<string, number>();
  for (const cell of covered.keys()) {
    for (const neighbour of gridDisk(cell, 1)) {
      const devices = covered.get(neighbour) ?? 0;
      if (devices < threshold) candidates.set(neighbour, devices);
    }
  }
  return [...candidates]
    .sort((a, b) => a[1] - b[1])
    .slice(0, limit)
    .map(([cell, devices]) => hexFeature({ cell, devices, online: 0, value: devices, quality: null }));
}
