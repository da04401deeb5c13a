import "server-only";
import { cellToLatLng } from "h3-js";
import { Prisma, type PrismaClient } from "../db/generated/client";

type Tx = Prisma.TransactionClient;
import type { WorkerJob } from "../worker/loop";
import { mapCellsFor } from "./cells";

/** First key of the map refresh's advisory lock: one refresh at a time across workers. */
const MAP_LOCK_CLASS = 0x3a9d;
/** Devices folded in per transaction; the rest follow on the next tick. */
const BATCH = 10_000;

interface LatestRow {
  device: string;
  project_id: number;
  lat_e6: number;
  lon_e6: number;
  /** ISO times (the row comes back as JSON). */
  last_seen_at: string;
  measured_at: string;
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
}

export type RefreshResult = { status: "locked" } | { status: "done"; devices: number; qualities: number };

/** (changed_xid, device) of ingest.device_state, the order the cursor walks in. */
interface CursorKey {
  xid: string;
  device: string;
}

/**
 * ingest.device_state rows after the cursor, up to `upTo`. Rows are ordered by
 * the transaction that last changed them; a row whose transaction is not older
 * than every running one (pg_snapshot_xmin) is never passed, so a batch that
 * started before another but commits after it cannot be skipped.
 */
function changedRows(upTo: CursorKey | null, batch: number): Prisma.Sql {
  const upper = upTo
    ? Prisma.sql`AND (s.changed_xid, s.device) <= (${upTo.xid}::xid8, decode(${upTo.device}, 'hex'))`
    : Prisma.sql`AND s.changed_xid < pg_snapshot_xmin(pg_current_snapshot())`;
  return Prisma.sql`
    SELECT s.device, s.changed_xid, s.last_seen_at, s.last_measured_at FROM ingest.device_state s, map_cursor c
    WHERE c.id = 1 AND (s.changed_xid, s.device) > (c."xidUpTo"::text::xid8, coalesce(c."deviceUpTo", ''::bytea)) ${upper}
    ORDER BY s.changed_xid, s.device LIMIT ${batch}`;
}

/**
 * Newest position and readings per changed device. The telemetry row is looked
 * up near the newest reading (PK prefix on device per partition), never across
 * the device's history. Devices unknown to the chain index or without a
 * position are left out (the cursor passes them).
 */
function latestRows(upTo: CursorKey, batch: number): Prisma.Sql {
  return Prisma.sql`
    WITH changed AS (${changedRows(upTo, batch)})
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
    WHERE c.last_seen_at IS NOT NULL`;
}

/**
 * Folds into map_device every device heard from since the cursor: its newest
 * position (exact, then H3 cells: computed here, since PostgreSQL has no H3,
 * but only for devices that moved), latest readings and latest quality. The
 * map_cell rollup follows by trigger. Also ages the rows' bands and copies
 * quality scores of hours the processing job finished since. Idempotent; safe
 * with any number of workers (transaction-scoped advisory lock, others skip).
 */
export async function refreshMapDevices(db: PrismaClient, options: RefreshOptions = {}): Promise<RefreshResult> {
  const { qualities: withQualities = true, batch = BATCH } = options;
  return db.$transaction(
    async (tx) => {
      const [lock] = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${MAP_LOCK_CLASS}::int4, 0) AS locked`;
      if (!lock?.locked) return { status: "locked" } as const;
      await tx.$executeRaw`INSERT INTO map_cursor (id, "hourUpTo") VALUES (1, 'epoch') ON CONFLICT (id) DO NOTHING`;
      await ageBands(tx);

      // The batch's last key, decided once: the statements below see at least what this one saw.
      const [upTo] = await tx.$queryRaw<CursorKey[]>`
        SELECT b.changed_xid::text AS xid, encode(b.device, 'hex') AS device FROM (${changedRows(null, batch)}) b
        ORDER BY b.changed_xid DESC, b.device DESC LIMIT 1`;
      const devices = upTo ? await foldChanged(tx, upTo, batch) : 0;
      await fillCellCentres(tx);
      return { status: "done", devices, qualities: withQualities ? await copyQualities(tx) : 0 } as const;
    },
    { timeout: 60_000 },
  );
}

/** Folds the changed rows up to `upTo` into map_device and moves the cursor there. */
async function foldChanged(tx: Tx, upTo: CursorKey, batch: number): Promise<number> {
  // One statement: devices that did not move keep their cells and are updated in place (no H3
  // work); the others come back to get their cells computed here.
  const [result] = await tx.$queryRaw<Array<{ stayed: number; moved: LatestRow[] }>>`
    WITH latest AS MATERIALIZED (${latestRows(upTo, batch)}),
    stayed AS (
      UPDATE map_device m SET "projectId" = l.project_id, "lastSeenAt" = l.last_seen_at AT TIME ZONE 'UTC',
             "measuredAt" = l.measured_at AT TIME ZONE 'UTC', pm25 = l.pm25, temperature = l.temperature, humidity = l.humidity,
             light = l.light, "qualityScore" = l.quality_score, "uptimePct" = l.uptime_pct, "updatedAt" = now() AT TIME ZONE 'UTC'
      FROM latest l
      WHERE m.device = l.device AND m.lat = l.lat_e6 / 1e6::float8 AND m.lon = l.lon_e6 / 1e6::float8
      RETURNING m.device)
    SELECT (SELECT count(*)::int FROM stayed) AS stayed,
           (SELECT coalesce(json_agg(l), '[]') FROM latest l WHERE NOT EXISTS (SELECT 1 FROM stayed s WHERE s.device = l.device)) AS moved`;
  const moved = result?.moved ?? [];
  if (moved.length > 0) await upsertMoved(tx, moved);
  await tx.$executeRaw`UPDATE map_cursor SET "xidUpTo" = ${upTo.xid}::bigint, "deviceUpTo" = decode(${upTo.device}, 'hex') WHERE id = 1`;
  return (result?.stayed ?? 0) + moved.length;
}

/** New or moved devices: cells computed here, then one upsert. */
async function upsertMoved(tx: Tx, rows: LatestRow[]): Promise<void> {
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
                ${rows.map((r) => r.last_seen_at)}::timestamptz[], ${rows.map((r) => r.measured_at)}::timestamptz[],
                ${rows.map((r) => r.pm25)}::float8[], ${rows.map((r) => r.temperature)}::float8[], ${rows.map((r) => r.humidity)}::float8[], ${rows.map((r) => r.light)}::float8[],
                ${rows.map((r) => r.quality_score)}::int4[], ${rows.map((r) => r.uptime_pct)}::float8[])
      AS u(device, project_id, lat, lon, r7, plat, plon, r2, r3, r4, r5, r6, seen, measured, pm25, temperature, humidity, light, quality, uptime)
    ORDER BY u.device
    ON CONFLICT (device) DO UPDATE SET
      "projectId" = EXCLUDED."projectId", lat = EXCLUDED.lat, lon = EXCLUDED.lon, "cellR7" = EXCLUDED."cellR7",
      "publicLat" = EXCLUDED."publicLat", "publicLon" = EXCLUDED."publicLon", "cellR2" = EXCLUDED."cellR2", "cellR3" = EXCLUDED."cellR3",
      "cellR4" = EXCLUDED."cellR4", "cellR5" = EXCLUDED."cellR5", "cellR6" = EXCLUDED."cellR6", "lastSeenAt" = EXCLUDED."lastSeenAt",
      "measuredAt" = EXCLUDED."measuredAt", pm25 = EXCLUDED.pm25, temperature = EXCLUDED.temperature, humidity = EXCLUDED.humidity,
      light = EXCLUDED.light, "qualityScore" = EXCLUDED."qualityScore", "uptimePct" = EXCLUDED."uptimePct", "updatedAt" = EXCLUDED."updatedAt"`;
}

/**
 * Moves rows whose last-seen time crossed a band boundary (see map_age_band in
 * the migration) into their band as of `at`; map_cell follows by trigger. The
 * viewport trusts the rollup only while this ran recently (map_cursor.bandsAt).
 */
export async function ageBands(tx: Tx, at: Date = new Date()): Promise<number> {
  const utc = Prisma.sql`(${at.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  const aged = await tx.$executeRaw`
    UPDATE map_device SET "ageBand" = map_age_band("lastSeenAt", ${utc})
    WHERE ("ageBand" = 0 AND "lastSeenAt" < ${utc} - interval '5 minutes')
       OR ("ageBand" <= 1 AND "lastSeenAt" < ${utc} - interval '1 hour')
       OR ("ageBand" <= 2 AND "lastSeenAt" < ${utc} - interval '24 hours')
       OR ("ageBand" <= 3 AND "lastSeenAt" < ${utc} - interval '7 days')`;
  await tx.$executeRaw`UPDATE map_cursor SET "bandsAt" = ${at.toISOString()}::timestamptz WHERE id = 1`;
  return aged;
}

/** Centres of map_cell rows the triggers created since (PostgreSQL has no H3). */
export async function fillCellCentres(tx: Tx): Promise<number> {
  // res = ANY(...) so the (res, lat, lon) index finds the null rows.
  const missing = await tx.$queryRaw<Array<{ res: number; cell: string }>>`
    SELECT DISTINCT res, cell FROM map_cell WHERE res = ANY('{2,3,4,5,6,7}'::smallint[]) AND lat IS NULL`;
  if (missing.length === 0) return 0;
  const centres = missing.map(({ cell }) => cellToLatLng(cell));
  return tx.$executeRaw`
    UPDATE map_cell m SET lat = u.lat, lon = u.lon
    FROM unnest(${missing.map((m) => m.res)}::int4[], ${missing.map((m) => m.cell)}::text[],
                ${centres.map(([lat]) => lat)}::float8[], ${centres.map(([, lon]) => lon)}::float8[]) AS u(res, cell, lat, lon)
    WHERE m.res = u.res AND m.cell = u.cell AND m.lat IS NULL`;
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
