import "server-only";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { deviceStatus } from "../quality/status";
import { mapDeviceSelect } from "./device-select";
import { hexFeature, type HexFeature } from "./hexagons";
import { mapDeviceForViewer, type MapDevice, type MapDeviceRow } from "./privacy";
import { DEVICE_ZOOM, longitudeRanges, MAX_DEVICES, resolutionForZoom, WINDOWS, type MetricKey, type ViewportQuery } from "./viewport-params";

export type ViewportResponse =
  | { kind: "hexagons"; resolution: number; metric: MetricKey; window: string; generatedAt: string; features: HexFeature[] }
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

const CELL_COLUMN = { 2: "cellR2", 3: "cellR3", 4: "cellR4", 5: "cellR5", 6: "cellR6", 7: "cellR7" } as const;
/**
 * Degrees the bbox grows by so hexagons cut by the screen edge still count all
 * their devices (about one hexagon's radius at that resolution).
 */
const CELL_PADDING_DEG = { 2: 3, 3: 1.2, 4: 0.45, 5: 0.17, 6: 0.07, 7: 0.025 } as const;

/** Devices whose public cell centre lies in the (padded) bbox, heard from within the window. */
function viewportFilter(query: ViewportQuery, padding: number, now: Date): Prisma.Sql {
  const south = Math.max(-90, query.south - padding);
  const north = Math.min(90, query.north + padding);
  const lonRanges = longitudeRanges(query.west - padding, query.east + padding).map(([west, east]) =>
    Prisma.sql`m."publicLon" BETWEEN ${Math.max(-180, west)} AND ${Math.min(180, east)}`,
  );
  // The dateline-crossing padded range may wrap below -180: add the wrapped part.
  const wrapped = query.west - padding < -180 ? [Prisma.sql`m."publicLon" >= ${query.west - padding + 360}`] : [];
  const wrappedEast = query.east + padding > 180 ? [Prisma.sql`m."publicLon" <= ${query.east + padding - 360}`] : [];
  const since = new Date(now.getTime() - WINDOWS[query.window]).toISOString();
  const project = query.project ? Prisma.sql`AND m."projectId" = (SELECT id FROM "Project" WHERE slug = ${query.project})` : Prisma.empty;
  return Prisma.sql`m."publicLat" BETWEEN ${south} AND ${north}
    AND (${Prisma.join([...lonRanges, ...wrapped, ...wrappedEast], " OR ")})
    AND m."lastSeenAt" >= ${since}::timestamptz AT TIME ZONE 'UTC' ${project}`;
}

/**
 * The map's data for one viewport. Below DEVICE_ZOOM: H3 hexagons aggregated
 * by PostgreSQL (GROUP BY the stored ancestor cell). From DEVICE_ZOOM on: the
 * devices at public precision, plus the exact fix for those the viewer owns or
 * administers (decided in the query, see canSeeExactLocation).
 */
export async function queryViewport(db: PrismaClient, query: ViewportQuery, viewer: string | null, now = new Date()): Promise<ViewportResponse> {
  const base = { metric: query.metric, window: query.window, generatedAt: now.toISOString() };
  if (query.zoom < DEVICE_ZOOM) {
    const resolution = resolutionForZoom(query.zoom);
    const cell = Prisma.raw(`m."${CELL_COLUMN[resolution]}"`);
    const value = METRIC_SQL[query.metric];
    const onlineSince = new Date(now.getTime() - 5 * 60_000).toISOString();
    const rows = await db.$queryRaw<Array<{ cell: string; devices: number; online: number; value: number | null; quality: number | null }>>`
      SELECT ${cell} AS cell, count(*)::int AS devices,
             count(*) FILTER (WHERE m."lastSeenAt" >= ${onlineSince}::timestamptz AT TIME ZONE 'UTC')::int AS online,
             ${query.metric === "density" ? Prisma.sql`count(*)::float8` : Prisma.sql`avg(${value})::float8`} AS value,
             avg(m."qualityScore")::float8 AS quality
      FROM map_device m
      WHERE ${viewportFilter(query, CELL_PADDING_DEG[resolution], now)}
      GROUP BY 1
      HAVING count(${value}) > 0`;
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
