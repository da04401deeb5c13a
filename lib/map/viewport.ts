import "server-only";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { deviceStatus } from "../quality/status";
import { mapDeviceSelect } from "./device-select";
import { hexFeature, type HexFeature } from "./hexagons";
import { mapDeviceForViewer, type MapDevice, type MapDeviceRow } from "./privacy";
import { DEVICE_ZOOM, FRAME_MS, frameStart, longitudeRanges, MAX_DEVICES, resolutionForZoom, WINDOWS, type MetricKey, type TimeWindow, type ViewportQuery } from "./viewport-params";

export type ViewportResponse =
  | { kind: "hexagons"; resolution: number; metric: MetricKey; window: string; generatedAt: string; frame?: string; features: HexFeature[] }
  | { kind: "devices"; metric: MetricKey; window: string; generatedAt: string; truncated: boolean; devices: MapDevice[] };

/** SQL for a metric's value per device; keys are a closed set, never user text. */
const METRIC_SQL: Record<MetricKey, Prisma.Sql> = {
  pm25: Prisma.sql`m.pm25`,
  temperature: Prisma.sql`m.temperature`,
  humidity: Prisma.sql`m.humidity`,
  light: Prisma.sql`m.light`,
  uptime: Prisma.sql`m."uptimePct"`,
  density: Prisma.sql`1`,
};

/** Sum and count columns of map_cell per metric; density is the device count itself. */
const ROLLUP_SQL: Record<MetricKey, [Prisma.Sql, Prisma.Sql]> = {
  pm25: [Prisma.sql`m."pm25Sum"`, Prisma.sql`m."pm25N"`],
  temperature: [Prisma.sql`m."tempSum"`, Prisma.sql`m."tempN"`],
  humidity: [Prisma.sql`m."humSum"`, Prisma.sql`m."humN"`],
  light: [Prisma.sql`m."lightSum"`, Prisma.sql`m."lightN"`],
  uptime: [Prisma.sql`m."uptimeSum"`, Prisma.sql`m."uptimeN"`],
  density: [Prisma.sql`m.devices`, Prisma.sql`m.devices`],
};

/** Highest age band (map_age_band in the migration) inside each window; band 0 is "online". */
const WINDOW_BAND: Record<TimeWindow, number> = { "1h": 1, "24h": 2, "7d": 3 };
const ONLINE_MS = 5 * 60_000;
/** The refresh job ages the bands every tick; older than this (job stopped), map_device is read directly. */
const ROLLUP_FRESH_MS = 2 * 60_000;

type Resolution = ReturnType<typeof resolutionForZoom>;

const CELL_COLUMN = { 2: "cellR2", 3: "cellR3", 4: "cellR4", 5: "cellR5", 6: "cellR6", 7: "cellR7" } as const;
/**
 * Degrees the bbox grows by so hexagons cut by the screen edge still count all
 * their devices (about one hexagon's radius at that resolution).
 */
const CELL_PADDING_DEG = { 2: 3, 3: 1.2, 4: 0.45, 5: 0.17, 6: 0.07, 7: 0.025 } as const;

/** Rows whose position (`lat`, `lon` columns of alias `m`) lies in the (padded) bbox. */
function bboxFilter(query: ViewportQuery, padding: number, columns: { lat: Prisma.Sql; lon: Prisma.Sql }): Prisma.Sql {
  const { lat, lon } = columns;
  const south = Math.max(-90, query.south - padding);
  const north = Math.min(90, query.north + padding);
  const lonRanges = longitudeRanges(query.west - padding, query.east + padding).map(([west, east]) =>
    Prisma.sql`${lon} BETWEEN ${Math.max(-180, west)} AND ${Math.min(180, east)}`,
  );
  // The dateline-crossing padded range may wrap below -180: add the wrapped part.
  const wrapped = query.west - padding < -180 ? [Prisma.sql`${lon} >= ${query.west - padding + 360}`] : [];
  const wrappedEast = query.east + padding > 180 ? [Prisma.sql`${lon} <= ${query.east + padding - 360}`] : [];
  return Prisma.sql`${lat} BETWEEN ${south} AND ${north} AND (${Prisma.join([...lonRanges, ...wrapped, ...wrappedEast], " OR ")})`;
}

const projectFilter = (query: ViewportQuery): Prisma.Sql =>
  query.project ? Prisma.sql`AND m."projectId" = (SELECT id FROM "Project" WHERE slug = ${query.project})` : Prisma.empty;

/** Devices whose public cell centre lies in the (padded) bbox, heard from within the window. */
function viewportFilter(query: ViewportQuery, padding: number, now: Date): Prisma.Sql {
  const since = new Date(now.getTime() - WINDOWS[query.window]).toISOString();
  return Prisma.sql`${bboxFilter(query, padding, { lat: Prisma.sql`m."publicLat"`, lon: Prisma.sql`m."publicLon"` })}
    AND m."lastSeenAt" >= ${since}::timestamptz AT TIME ZONE 'UTC' ${projectFilter(query)}`;
}

type HexRow = { cell: string; devices: number; online: number; value: number | null; quality: number | null };

/** Hexagons straight from map_device: one row per device grouped by its ancestor cell. */
export async function hexagonsFromDevices(db: PrismaClient, query: ViewportQuery, resolution: Resolution, now: Date): Promise<HexRow[]> {
  const cell = Prisma.raw(`m."${CELL_COLUMN[resolution]}"`);
  const value = METRIC_SQL[query.metric];
  const onlineSince = new Date(now.getTime() - ONLINE_MS).toISOString();
  return db.$queryRaw<HexRow[]>`
    SELECT ${cell} AS cell, count(*)::int AS devices,
           count(*) FILTER (WHERE m."lastSeenAt" >= ${onlineSince}::timestamptz AT TIME ZONE 'UTC')::int AS online,
           ${query.metric === "density" ? Prisma.sql`count(*)::float8` : Prisma.sql`avg(${value})::float8`} AS value,
           avg(m."qualityScore")::float8 AS quality
    FROM map_device m
    WHERE ${viewportFilter(query, CELL_PADDING_DEG[resolution], now)}
    GROUP BY 1
    HAVING count(${value}) > 0`;
}

/**
 * Hexagons from the map_cell rollup: a few thousand pre-aggregated rows
 * (resolution × cell × project × age band) instead of every device. A cell
 * counts when its centre lies in the padded bbox; the window is a union of
 * age bands as of the last refresh.
 */
export async function hexagonsFromRollup(db: PrismaClient, query: ViewportQuery, resolution: Resolution): Promise<HexRow[]> {
  const [sum, n] = ROLLUP_SQL[query.metric];
  return db.$queryRaw<HexRow[]>`
    SELECT m.cell, sum(m.devices)::int AS devices, coalesce(sum(m.devices) FILTER (WHERE m.band = 0), 0)::int AS online,
           ${query.metric === "density" ? Prisma.sql`sum(m.devices)::float8` : Prisma.sql`(sum(${sum}) / nullif(sum(${n}), 0))::float8`} AS value,
           (sum(m."qualitySum") / nullif(sum(m."qualityN"), 0))::float8 AS quality
    FROM map_cell m
    WHERE m.res = ${resolution}::smallint AND m.band <= ${WINDOW_BAND[query.window]}::smallint
      AND ${bboxFilter(query, CELL_PADDING_DEG[resolution], { lat: Prisma.sql`m.lat`, lon: Prisma.sql`m.lon` })} ${projectFilter(query)}
    GROUP BY m.cell
    HAVING sum(${n}) > 0`;
}

/** A metric per device-hour (DeviceHour) and per raw reading (ingest.telemetry); keys are a closed set. */
const HOUR_METRIC_SQL: Record<MetricKey, Prisma.Sql> = {
  pm25: Prisma.sql`(h.sensors->'pm25'->>'mean')::float8`,
  temperature: Prisma.sql`(h.sensors->'temperature'->>'mean')::float8`,
  humidity: Prisma.sql`(h.sensors->'humidity'->>'mean')::float8`,
  light: Prisma.sql`(h.sensors->'light'->>'mean')::float8`,
  uptime: Prisma.sql`h."onlineMinutes" * 100.0::float8 / 60`,
  density: Prisma.sql`1`,
};
const READING_METRIC_SQL: Record<MetricKey, Prisma.Sql> = {
  pm25: Prisma.sql`t.pm25_deci_ug_m3 / 10.0::float8`,
  temperature: Prisma.sql`t.temperature_centi_c / 100.0::float8`,
  humidity: Prisma.sql`t.humidity_centi_pct / 100.0::float8`,
  light: Prisma.sql`t.light_centi_lux / 100.0::float8`,
  uptime: Prisma.sql`m."uptimePct"`,
  density: Prisma.sql`1`,
};

/**
 * Playback: hexagons for one frame of the window, aggregated in PostgreSQL.
 * Hourly and 6-hourly frames read the finished DeviceHour aggregates;
 * 5-minute frames read the raw readings. Devices are placed at their map
 * cell (public precision), like the live view.
 */
export async function hexagonsForFrame(db: PrismaClient, query: ViewportQuery, resolution: Resolution, frame: Date): Promise<HexRow[]> {
  const cell = Prisma.raw(`m."${CELL_COLUMN[resolution]}"`);
  const from = frameStart(query.window, frame);
  const to = new Date(from.getTime() + FRAME_MS[query.window]);
  const where = Prisma.sql`${bboxFilter(query, CELL_PADDING_DEG[resolution], { lat: Prisma.sql`m."publicLat"`, lon: Prisma.sql`m."publicLon"` })} ${projectFilter(query)}`;
  const density = query.metric === "density";
  if (query.window === "1h") {
    const value = READING_METRIC_SQL[query.metric];
    return db.$queryRaw<HexRow[]>`
      SELECT ${cell} AS cell, count(DISTINCT t.device)::int AS devices, count(DISTINCT t.device)::int AS online,
             ${density ? Prisma.sql`count(DISTINCT t.device)::float8` : Prisma.sql`avg(${value})::float8`} AS value, avg(m."qualityScore")::float8 AS quality
      FROM ingest.telemetry t JOIN map_device m ON m.device = '0x' || encode(t.device, 'hex')
      WHERE t.measured_at >= ${from.toISOString()}::timestamptz AND t.measured_at < ${to.toISOString()}::timestamptz AND ${where}
      GROUP BY 1
      HAVING count(${value}) > 0`;
  }
  const value = HOUR_METRIC_SQL[query.metric];
  return db.$queryRaw<HexRow[]>`
    SELECT ${cell} AS cell, count(DISTINCT h.device)::int AS devices, count(DISTINCT h.device) FILTER (WHERE h."onlineMinutes" > 0)::int AS online,
           ${density ? Prisma.sql`count(DISTINCT h.device)::float8` : Prisma.sql`avg(${value})::float8`} AS value, avg(h."qualityScore")::float8 AS quality
    FROM "DeviceHour" h JOIN map_device m ON m.device = h.device
    WHERE h."hourStart" >= ${from.toISOString()}::timestamptz AT TIME ZONE 'UTC' AND h."hourStart" < ${to.toISOString()}::timestamptz AT TIME ZONE 'UTC'
      AND ${where}
    GROUP BY 1
    HAVING count(${value}) > 0`;
}

/** The rollup's bands are as of the last refresh: trust them while that is recent. */
async function rollupIsFresh(db: PrismaClient, now: Date): Promise<boolean> {
  const [cursor] = await db.$queryRaw<Array<{ bandsAt: Date | null }>>`SELECT "bandsAt" FROM map_cursor WHERE id = 1`;
  return cursor?.bandsAt != null && Math.abs(now.getTime() - cursor.bandsAt.getTime()) <= ROLLUP_FRESH_MS;
}

/**
 * The map's data for one viewport. Below DEVICE_ZOOM: H3 hexagons aggregated
 * by PostgreSQL (GROUP BY the stored ancestor cell). From DEVICE_ZOOM on: the
 * devices at public precision, plus the exact fix for those the viewer owns or
 * administers (decided in the query, see canSeeExactLocation).
 */
export async function queryViewport(db: PrismaClient, query: ViewportQuery, viewer: string | null, now = new Date()): Promise<ViewportResponse> {
  const base = { metric: query.metric, window: query.window, generatedAt: now.toISOString() };
  if (query.frame) {
    // Playback is hexagons at every zoom (down to the public res-7 cell), never single devices.
    const resolution = resolutionForZoom(query.zoom);
    const frame = frameStart(query.window, query.frame);
    const rows = await hexagonsForFrame(db, query, resolution, frame);
    return { kind: "hexagons", resolution, ...base, frame: frame.toISOString(), features: rows.map(hexFeature) };
  }
  if (query.zoom < DEVICE_ZOOM) {
    const resolution = resolutionForZoom(query.zoom);
    const rows = (await rollupIsFresh(db, now)) ? await hexagonsFromRollup(db, query, resolution) : await hexagonsFromDevices(db, query, resolution, now);
    return { kind: "hexagons", resolution, ...base, features: rows.map(hexFeature) };
  }
  const rows = await db.$queryRaw<MapDeviceRow[]>`
    ${mapDeviceSelect(viewer)}
    WHERE ${viewportFilter(query, 0, now)}
    ORDER BY m."lastSeenAt" DESC
    LIMIT ${MAX_DEVICES + 1}`;
  const devices = rows.slice(0, MAX_DEVICES).map((row) => mapDeviceForViewer(row, deviceStatus(row.lastSeenAt, now)));
  return { kind: "devices", ...base, truncated: rows.length > MAX_DEVICES, devices };
}
