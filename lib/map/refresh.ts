import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { WorkerJob } from "../worker/loop";
import { mapCellsFor } from "./cells";

/** First key of the map refresh's advisory lock: one refresh at a time across workers. */
const MAP_LOCK_CLASS = 0x3a9d;
/** Devices folded in per transaction; the rest follow on the next tick. */
const BATCH = 5_000;

interface LatestRow {
  device: string;
  project_id: number;
  lat_e6: number;
  lon_e6: number;
  last_seen_at: Date;
  /** last_seen_at as PostgreSQL prints it: microseconds, which a JS Date would drop. */
  seen_exact: string;
  measured_at: Date;
  pm25: number | null;
  temperature: number | null;
  humidity: number | null;
  light: number | null;
  quality_score: number | null;
  uptime_pct: number | null;
}

export type RefreshResult = { status: "locked" } | { status: "done"; devices: number; qualities: number };

/**
 * Folds into map_device every device heard from since the cursor: its newest
 * position (exact, then H3 cells computed here since PostgreSQL has no H3),
 * latest readings and latest quality. Also copies quality scores of hours the
 * processing job finished since. Idempotent; safe with any number of workers
 * (transaction-scoped advisory lock, others skip).
 */
export async function refreshMapDevices(db: PrismaClient, options: { qualities?: boolean } = {}): Promise<RefreshResult> {
  const { qualities: withQualities = true } = options;
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${MAP_LOCK_CLASS}::int4, 0) AS locked`;
      if (!lock?.locked) return { status: "locked" } as const;
      await tx.$executeRaw`INSERT INTO map_cursor (id, "seenUpTo", "hourUpTo") VALUES (1, 'epoch', 'epoch') ON CONFLICT (id) DO NOTHING`;

      // Newest position per device heard from since the cursor. The row is looked up near the
      // newest reading (PK prefix on device per partition), never across the device's history.
      const rows = await tx.$queryRaw<LatestRow[]>`
        WITH cursor AS (SELECT "seenUpTo" AS seen FROM map_cursor WHERE id = 1),
        changed AS (
          SELECT s.device, s.last_seen_at, s.last_measured_at FROM ingest.device_state s, cursor
          WHERE s.last_seen_at > cursor.seen ORDER BY s.last_seen_at LIMIT ${BATCH})
        SELECT '0x' || encode(c.device, 'hex') AS device, d."projectId" AS project_id, t.lat_e6, t.lon_e6,
               c.last_seen_at, c.last_seen_at::text AS seen_exact, t.measured_at,
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
        const newest = rows[rows.length - 1]!.seen_exact;
        await tx.$executeRaw`UPDATE map_cursor SET "seenUpTo" = ${newest}::timestamptz WHERE id = 1`;
      }

      if (!withQualities) return { status: "done", devices: rows.length, qualities: 0 } as const;
      // Hours the processing job finished (or recomputed) since: copy the device's newest hour.
      // The processing job only (re)computes the last 48 h, so older hours cannot have changed.
      const qualities = await tx.$executeRaw`
        UPDATE map_device m SET "qualityScore" = h."qualityScore", "uptimePct" = h."onlineMinutes" * 100.0 / 60, "updatedAt" = now() AT TIME ZONE 'UTC'
        FROM "DeviceHour" h, map_cursor c
        WHERE c.id = 1 AND h."hourStart" >= (now() - interval '49 hours') AT TIME ZONE 'UTC' AND h."computedAt" > c."hourUpTo"
          AND h.device = m.device AND h."hourStart" = (SELECT max("hourStart") FROM "DeviceHour" x WHERE x.device = m.device)`;
      await tx.$executeRaw`UPDATE map_cursor SET "hourUpTo" = COALESCE((SELECT max("computedAt") FROM "DeviceHour" WHERE "hourStart" >= (now() - interval '49 hours') AT TIME ZONE 'UTC'), "hourUpTo") WHERE id = 1`;
      return { status: "done", devices: rows.length, qualities } as const;
    },
    { timeout: 60_000 },
  );
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
