import "server-only";
import type pg from "pg";

/**
 * Registered-and-active lookups against the Device table (kept by the chain
 * indexer), cached briefly per process: a batch of 500 messages from a few
 * devices costs at most one query, and junk addresses are cached as misses.
 */

export type DeviceStatus = "active" | "inactive" | "unknown";

export interface DeviceRegistry {
  /** Status of each lowercase address. */
  statuses(addresses: readonly string[]): Promise<Map<string, DeviceStatus>>;
}

const DEFAULT_TTL_MS = 5_000;
const MAX_CACHED = 100_000;

export function createDeviceRegistry(pool: pg.Pool, ttlMs = DEFAULT_TTL_MS, clock: () => number = Date.now): DeviceRegistry {
  const cache = new Map<string, { status: DeviceStatus; expiresAt: number }>();
  return {
    async statuses(addresses) {
      const now = clock();
      const result = new Map<string, DeviceStatus>();
      const missing: string[] = [];
      for (const address of new Set(addresses)) {
        const hit = cache.get(address);
        if (hit && hit.expiresAt > now) result.set(address, hit.status);
        else missing.push(address);
      }
      if (missing.length === 0) return result;

      const { rows } = await pool.query<{ address: string; active: boolean }>(
        'SELECT address, active FROM "Device" WHERE address = ANY($1::text[])',
        [missing],
      );
      const found = new Map(rows.map((row) => [row.address, row.active ? "active" : "inactive"] as const));
      if (cache.size + missing.length > MAX_CACHED) cache.clear();
      for (const address of missing) {
        const status = found.get(address) ?? "unknown";
        result.set(address, status);
        cache.set(address, { status, expiresAt: now + ttlMs });
      }
      return result;
    },
  };
}
