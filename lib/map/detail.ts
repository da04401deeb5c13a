import "server-only";
import { getResolution, isValidCell } from "h3-js";
import { Prisma, type PrismaClient } from "../db/generated/client";
import { NotFoundError } from "../http/errors";
import { deviceStatus } from "../quality/status";
import { hexFeature, type HexFeature } from "./hexagons";
import { mapDeviceSelect } from "./device-select";
import { mapDeviceForViewer, type MapDevice, type MapDeviceRow } from "./privacy";
import { WINDOWS, type MetricKey, type TimeWindow } from "./viewport-params";

export interface SeriesPoint {
  hour: string;
  value: number | null;
}

export interface DeviceDetail {
  kind: "device";
  device: MapDevice;
  series: SeriesPoint[];
}

export interface CellDetail {
  kind: "cell";
  hexagon: HexFeature;
  resolution: number;
  devices: MapDevice[];
  series: SeriesPoint[];
}

/** Hourly value of a metric from DeviceHour (finished hours), per device row `h`. */
function hourlyValue(metric: MetricKey): Prisma.Sql {
  switch (metric) {
    case "uptime":
      return Prisma.sql`avg(h."onlineMinutes" * 100.0 / 60)::float8`;
    case "density":
      return Prisma.sql`count(DISTINCT h.device)::float8`;
    default:
      return Prisma.sql`avg((h.sensors -> ${metric} ->> 'mean')::float8)::float8`;
  }
}

const SPARKLINE_HOURS = 24;


export async function deviceDetail(db: PrismaClient, address: string, metric: MetricKey, viewer: string | null, now = new Date()): Promise<DeviceDetail> {
  const device = address.toLowerCase();
  const [row] = await db.$queryRaw<MapDeviceRow[]>`${mapDeviceSelect(viewer)} WHERE m.device = ${device}`;
  if (!row) throw new NotFoundError("This device has not reported a position yet.", "device_not_on_map");
  const since = new Date(now.getTime() - SPARKLINE_HOURS * 3_600_000).toISOString();
  const series = await db.$queryRaw<Array<{ hour: Date; value: number | null }>>`
    SELECT h."hourStart" AS hour, ${hourlyValue(metric)} AS value FROM "DeviceHour" h
    WHERE h.device = ${device} AND h."hourStart" >= ${since}::timestamptz AT TIME ZONE 'UTC'
    GROUP BY 1 ORDER BY 1`;
  return { kind: "device", device: mapDeviceForViewer(row, deviceStatus(row.lastSeenAt, now)), series: series.map(toPoint) };
}

const CELL_COLUMNS: Record<number, string> = { 2: "cellR2", 3: "cellR3", 4: "cellR4", 5: "cellR5", 6: "cellR6", 7: "cellR7" };
const PANEL_DEVICES = 20;

export async function cellDetail(
  db: PrismaClient,
  cell: string,
  options: { metric: MetricKey; window: TimeWindow; project?: string | undefined },
  viewer: string | null,
  now = new Date(),
): Promise<CellDetail> {
  if (!isValidCell(cell) || !CELL_COLUMNS[getResolution(cell)]) throw new NotFoundError("No such map cell.", "cell_not_found");
  const resolution = getResolution(cell);
  const column = Prisma.raw(`m."${CELL_COLUMNS[resolution]}"`);
  const since = new Date(now.getTime() - WINDOWS[options.window]).toISOString();
  const project = options.project ? Prisma.sql`AND m."projectId" = (SELECT id FROM "Project" WHERE slug = ${options.project})` : Prisma.empty;
  const filter = Prisma.sql`${column} = ${cell} AND m."lastSeenAt" >= ${since}::timestamptz AT TIME ZONE 'UTC' ${project}`;
  const rows = await db.$queryRaw<MapDeviceRow[]>`${mapDeviceSelect(viewer)} WHERE ${filter} ORDER BY m."lastSeenAt" DESC`;
  const devices = rows.map((row) => mapDeviceForViewer(row, deviceStatus(row.lastSeenAt, now)));
  const readings = devices.map((d) => (options.metric === "density" ? 1 : d.readings[options.metric])).filter((v): v is number => v !== null);
  const qualities = devices.map((d) => d.quality).filter((q): q is number => q !== null);
  const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
  const hexagon = hexFeature({
    cell,
    devices: devices.length,
    online: devices.filter((d) => d.status === "online").length,
    value: options.metric === "density" ? devices.length : mean(readings),
    quality: mean(qualities),
  });
  const sparkSince = new Date(now.getTime() - SPARKLINE_HOURS * 3_600_000).toISOString();
  const series = await db.$queryRaw<Array<{ hour: Date; value: number | null }>>`
    SELECT h."hourStart" AS hour, ${hourlyValue(options.metric)} AS value
    FROM map_device m JOIN "DeviceHour" h ON h.device = m.device
    WHERE ${column} = ${cell} ${project} AND h."hourStart" >= ${sparkSince}::timestamptz AT TIME ZONE 'UTC'
    GROUP BY 1 ORDER BY 1`;
  return { kind: "cell", hexagon, resolution, devices: devices.slice(0, PANEL_DEVICES), series: series.map(toPoint) };
}

function toPoint(row: { hour: Date; value: number | null }): SeriesPoint {
  return { hour: row.hour.toISOString(), value: row.value };
}
