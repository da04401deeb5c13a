import "server-only";
import type { Prisma, PrismaClient } from "../db/generated/client";

type Tx = Prisma.TransactionClient;
import type { WorkerJob } from "../worker/loop";
import { mapCellsFor } from "./cells";

/** First key of the map refresh's advisory lock: one refresh at a time across workers. */
const MAP_LOCK_CLASS = 0x3a9d;
/** Devices folded in per transaction (plus ties with the last); the rest follow on the next tick. */
const BATCH = 5_000;
/**
 * How old a device_state change must be before the cursor passes it (see the
 * query). 0 by default: device_state rows are overwritten, so a device that
 * reports more often than a non-zero settle time would never be folded in.
 */
const SETTLE_MS = 0;

interface LatestRow {
  device: string;
  project_id: number;
  lat_e6: number;
  lon_e6: number;
  last_seen_at: Date;
  measured_at: Date;
  pm25: number | null;
  temperature: number | null;
  humidity: number | null;
  light: number | null;
  quality_score: number | null;
  uptime_pct: number | null;
}

export interface RefreshOptions {
  /** Also copy quality scores of newly finished hours (the job does it about once a minute). */
  qualities?: boolean;
  batch?: number;
  settleMs?: number;
}

export type RefreshResult = { status: "locked" } | { status: "done"; devices: number; qualities: number };

/**
 * Folds into map_device every device heard from since the cursor: its newest
 * position (exact, then H3 cells computed here since PostgreSQL has no H3),
 * latest readings and latest quality. Also copies quality scores of hours the
 * processing job finished since. Idempotent; safe with any number of workers
 * (transaction-scoped advisory lock, others skip).
 */
export async function refreshMapDevices(db: PrismaClient, options: RefreshOptions = {}): Promise<RefreshResult> {
  const { qualities: withQualities = true, batch = BATCH, settleMs = SETTLE_MS } = options;
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${MAP_LOCK_CLASS}::int4, 0) AS locked`;
      if (!lock?.locked) return { status: "locked" } as const;
      await tx.$executeRaw`INSERT INTO map_cursor (id, "seenUpTo", "hourUpTo") VALUES (1, 'epoch', 'epoch') ON CONFLICT (id) DO NOTHING`;

      // Ingest stamps a whole batch with one now(): a batch boundary inside such a tie would
      // skip the rest of it, so the batch extends to every row tied with its last one. Rows
      // younger than settleMs wait: a transaction that took its now() before ours may still be
      // committing, and the cursor must not pass it.
      const [bound] = await tx.$queryRaw<Array<{ seen: string | null }>>`
        SELECT max(last_seen_at)::text AS seen FROM (
          SELECT s.last_seen_at FROM ingest.device_state s, map_cursor c
          WHERE c.id = 1 AND s.last_seen_at > c."seenUpTo" AND s.last_seen_at < now() - ${settleMs} * interval '1 millisecond'
          ORDER BY s.last_seen_at LIMIT ${batch}) b`;
      const upTo = bound?.seen ?? null;
      if (upTo === null) return { status: "done", devices: 0, qualities: withQualities ? await copyQualities(tx) : 0 } as const;

      // Newest position per device heard from since the cursor. The row is looked up near the
      // newest reading (PK prefix on device per partition), never across the device's history.
      // Devices unknown to the chain index or without a position are left out (the cursor passes them).
      const rows = await tx.$queryRaw<LatestRow[]>`
        WITH changed AS (
          SELECT s.device, s.last_seen_at, s.last_measured_at FROM ingest.device_state s, map_cursor c
          WHERE c.id = 1 AND s.last_seen_at > c."seenUpTo" AND s.last_seen_at <= ${upTo}::timestamptz)
        SELECT '0x' || encode(c.device, 'hex') AS device, d."projectId" AS project_id, t.lat_e6, t.lon_e6,
               c.last_seen_at, t.measured_at,
               t.pm25_deci_ug_m3 / 10.0::float8 AS pm25, t.temperature_centi_c / 100.0::float8 AS temperature,
               t.humidity_centi_pct / 100.0::float8 AS humidity, t.light_centi_lux / 100.0::float8 AS light,
               h."qualityScore" AS quality_score, h."onlineMinutes" * 100.0::float8 / 60 AS uptime_pct
        FROM changed c
        JOIN "Device" d ON d.address = '0x' || encode(c.device, 'hex')
        JOIN LATERAL (
          SELECT * FROM ingest.telemetry t
          WHERE t.device = c.device AND t.lat_e6 IS NOT NULL AND t.measured_at >= c.last_measured_at - interval '1 hour'
          ORDER BY t.measured_at DESC LIMIT 1) t ON true
        LEFT JOIN LATERAL (
          SELECT "qualityScore", "onlineMinutes" FROM "DeviceHour" h
          WHERE h.device = d.address ORDER BY "hourStart" DESC LIMIT 1) h ON true
        ORDER BY c.last_seen_at`;

      if (rows.length > 0) {
        const cells = rows.map((row) => mapCellsFor(row.lat_e6 / 1e6, row.lon_e6 / 1e6));
        const column = <K extends keyof (typeof cells)[number]>(key: K) => cells.map((cell) => cell[key]);
        await tx.$executeRaw`
          INSERT INTO map_device (device, "projectId", lat, lon, "cellR7", "publicLat", "publicLon", "cellR2", "cellR3", "cellR4", "cellR5", "cellR6",
                                  "lastSeenAt", "measuredAt", pm25, temperature, humidity, light, "qualityScore", "uptimePct", "updatedAt")
          SELECT u.device, u.project_id, u.lat, u.lon, u.r7, u.plat, u.plon, u.r2, u.r3, u.r4, u.r5, u.r6,
                 u.seen AT TIME ZONE 'UTC', u.measured AT TIME ZONE 'UTC', u.pm25, u.temperature, u.humidity, u.light, u.quality, u.uptime,
                 now() AT TIME ZONE 'UTC'
          FROM unnest(${rows.map((r) => r.device)}::text[], ${rows.map((r) => r.project_id)}::int4[],
                      ${rows.map((r) => r.lat_e6 / 1e6)}::float8[], ${rows.map((r) => r.lon_e6 / 1e6)}::float8[],
                      ${column("cellR7")}::text[], ${column("publicLat")}::float8[], ${column("publicLon")}::float8[],
                      ${column("cellR2")}::text[], ${column("cellR3")}::text[], ${column("cellR4")}::text[], ${column("cellR5")}::text[], ${column("cellR6")}::text[],
                      ${rows.map((r) => r.last_seen_at.toISOString())}::timestamptz[], ${rows.map((r) => r.measured_at.toISOString())}::timestamptz[],
                      ${rows.map((r) => r.pm25)}::float8[], ${rows.map((r) => r.temperature)}::float8[], ${rows.map((r) => r.humidity)}::float8[], ${rows.map((r) => r.light)}::float8[],
                      ${rows.map((r) => r.quality_score)}::int4[], ${rows.map((r) => r.uptime_pct)}::float8[])
            AS u(device, project_id, lat, lon, r7, plat, plon, r2, r3, r4, r5, r6, seen, measured, pm25, temperature, humidity, light, quality, uptime)
          ON CONFLICT (device) DO UPDATE SET
            "projectId" = EXCLUDED."projectId", lat = EXCLUDED.lat, lon = EXCLUDED.lon, "cellR7" = EXCLUDED."cellR7",
            "publicLat" = EXCLUDED."publicLat", "publicLon" = EXCLUDED."publicLon", "cellR2" = EXCLUDED."cellR2", "cellR3" = EXCLUDED."cellR3",
            "cellR4" = EXCLUDED."cellR4", "cellR5" = EXCLUDED."cellR5", "cellR6" = EXCLUDED."cellR6", "lastSeenAt" = EXCLUDED."lastSeenAt",
            "measuredAt" = EXCLUDED."measuredAt", pm25 = EXCLUDED.pm25, temperature = EXCLUDED.temperature, humidity = EXCLUDED.humidity,
            light = EXCLUDED.light, "qualityScore" = EXCLUDED."qualityScore", "uptimePct" = EXCLUDED."uptimePct", "updatedAt" = EXCLUDED."updatedAt"`;
      }
      // As PostgreSQL printed it (microseconds, which a JS Date would drop).
      await tx.$executeRaw`UPDATE map_cursor SET "seenUpTo" = ${upTo}::timestamptz WHERE id = 1`;

      return { status: "done", devices: rows.length, qualities: withQualities ? await copyQualities(tx) : 0 } as const;
    },
    { timeout: 60_000 },
  );
}

/**
 * Hours the processing job finished (or recomputed) since the last copy: the
 * device's newest hour gives its quality and uptime.
 */
async function copyQualities(tx: Tx): Promise<number> {
  // The processing job only (re)computes the last 48 h, so older hours cannot have changed.
  const qualities = await tx.$executeRaw`
    UPDATE map_device m SET "qualityScore" = h."qualityScore", "uptimePct" = h."onlineMinutes" * 100.0 / 60, "updatedAt" = now() AT TIME ZONE 'UTC'
    FROM "DeviceHour" h, map_cursor c
    WHERE c.id = 1 AND h."hourStart" >= (now() - interval '49 hours') AT TIME ZONE 'UTC' AND h."computedAt" > c."hourUpTo"
      AND h.device = m.device AND h."hourStart" = (SELECT max("hourStart") FROM "DeviceHour" x WHERE x.device = m.device)`;
  await tx.$executeRaw`UPDATE map_cursor SET "hourUpTo" = COALESCE((SELECT max("computedAt") FROM "DeviceHour" WHERE "hourStart" >= (now() - interval '49 hours') AT TIME ZONE 'UTC'), "hourUpTo") WHERE id = 1`;
  return qualities;
}

/** Quality scores change at most once an hour per device: copy them about once a minute. */
const QUALITY_EVERY_MS = 60_000;

/** The worker job: folds new readings in every tick (cheap when nothing changed). */
export function createMapRefreshJob(options: { log?: (message: string) => void; clock?: () => number } = {}): WorkerJob {
  const { log = console.log, clock = Date.now } = options;
  let qualitiesAt = Number.NEGATIVE_INFINITY;
  return {
    name: "map-refresh",
    async run({ db }) {
      const qualities = clock() - qualitiesAt >= QUALITY_EVERY_MS;
      const result = await refreshMapDevices(db, { qualities });
      if (qualities && result.status === "done") qualitiesAt = clock();
      if (result.status === "done" && result.devices >= BATCH) log(`map-refresh: ${result.devices} device(s) folded in, more pending`);
    },
  };
}
