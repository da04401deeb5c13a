import "server-only";
import { latLngToCell } from "h3-js";
import { getAddress, type Address } from "viem";
import { METRICS } from "../aggregates/reading";
import type { MarketOrder, PrismaClient } from "../db/generated/client";
import { DomainError } from "../http/errors";
import { PUBLIC_CELL_RESOLUTION } from "../devices/location";

/** ingest.telemetry column of each metric (fixed-point; METRICS has the scale). */
const METRIC_COLUMNS: Record<string, string> = {
  temperature: "temperature_centi_c",
  humidity: "humidity_centi_pct",
  pm25: "pm25_deci_ug_m3",
  pm10: "pm10_deci_ug_m3",
  light: "light_centi_lux",
  pressure: "pressure_pa",
  speed: "speed_cm_s",
  heading: "heading_centi_deg",
  battery: "battery_pct",
};

export interface FeedReading {
  device: Address;
  sequence: string;
  measuredAt: string;
  receivedAt: string;
  /** H3 cell (resolution 7) of the reading's position: buyers get the area, not the owner's exact location. */
  cell: string | null;
  /** The listing's metrics present in this reading, in physical units (see METRICS). */
  values: Record<string, number>;
}

export interface FeedPage {
  readings: FeedReading[];
  /** Pass as `cursor` for the next page; null when this page reached the newest reading. */
  nextCursor: string | null;
  /** Where to resume later (after this page's last reading): what a live poller passes next time. */
  resumeCursor: string | null;
}

export class InvalidCursorError extends DomainError {
  constructor() {
    super("invalid_cursor", "The cursor is malformed; use nextCursor from a previous page.", 400);
  }
}

interface Cursor {
  receivedMicros: bigint;
  device: string;
  sequence: string;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.receivedMicros}:${cursor.device}:${cursor.sequence}`).toString("base64url");
}

export function decodeCursor(raw: string): Cursor {
  const match = /^(\d{1,20}):([0-9a-f]{40}):(\d{1,20})$/.exec(Buffer.from(raw, "base64url").toString());
  if (!match) throw new InvalidCursorError();
  return { receivedMicros: BigInt(match[1] as string), device: match[2] as string, sequence: match[3] as string };
}

interface Row {
  device: Uint8Array;
  sequence: string;
  measured_at: Date;
  received_at: Date;
  received_micros: bigint;
  lat_e6: number | null;
  lon_e6: number | null;
  [column: string]: unknown;
}

/**
 * The order's readings in arrival order (received_at, then device, sequence),
 * from the listing's devices while the order runs. Arrival order makes the
 * cursor work for live polling too: newly arrived rows always sort after it.
 */
export async function feedReadings(
  db: PrismaClient,
  order: MarketOrder,
  { cursor, limit, now = new Date() }: { cursor?: string; limit: number; now?: Date },
): Promise<FeedPage> {
  const empty = { readings: [], nextCursor: null, resumeCursor: cursor ?? null };
  if (!order.listingId) return empty;
  const listing = await db.marketListing.findUnique({ where: { id: order.listingId }, select: { deviceAddresses: true, metrics: true } });
  if (!listing) return empty;
  const devices = listing.deviceAddresses.map((address) => Buffer.from(address.slice(2), "hex"));
  const after = cursor ? decodeCursor(cursor) : null;
  const until = order.expiresAt < now ? order.expiresAt : now;
  const afterMicros = after?.receivedMicros ?? -1n;
  const afterDevice = after ? Buffer.from(after.device, "hex") : Buffer.alloc(0);
  const afterSequence = after?.sequence ?? "-1";
  const rows = await db.$queryRaw<Row[]>`
    SELECT device, sequence::text AS sequence, measured_at, received_at,
           (extract(epoch FROM received_at) * 1000000)::bigint AS received_micros,
           lat_e6, lon_e6, temperature_centi_c, humidity_centi_pct, pm25_deci_ug_m3, pm10_deci_ug_m3,
           light_centi_lux, pressure_pa, speed_cm_s, heading_centi_deg, battery_pct
      FROM ingest.telemetry
     WHERE device = ANY(${devices}::bytea[])
       AND received_at >= ${order.createdAt} AND received_at < ${until}
       AND ((extract(epoch FROM received_at) * 1000000)::bigint, device, sequence) > (${afterMicros}::bigint, ${afterDevice}::bytea, ${afterSequence}::numeric)
     ORDER BY received_at, device, sequence
     LIMIT ${limit + 1}`;
  const page = rows.slice(0, limit);
  const metrics = METRICS.filter((metric) => listing.metrics.includes(metric.name));
  const readings = page.map((row): FeedReading => {
    const values: Record<string, number> = {};
    for (const metric of metrics) {
      const raw = row[METRIC_COLUMNS[metric.name] as string];
      if (typeof raw === "number") values[metric.name] = raw / metric.perUnit;
    }
    const cell = row.lat_e6 !== null && row.lon_e6 !== null ? latLngToCell(row.lat_e6 / 1e6, row.lon_e6 / 1e6, PUBLIC_CELL_RESOLUTION) : null;
    return {
      device: getAddress(`0x${Buffer.from(row.device).toString("hex")}`),
      sequence: row.sequence,
      measuredAt: row.measured_at.toISOString(),
      receivedAt: row.received_at.toISOString(),
      cell,
      values,
    };
  });
  const last = page.at(-1);
  const resumeCursor = last ? encodeCursor({ receivedMicros: last.received_micros, device: Buffer.from(last.device).toString("hex"), sequence: last.sequence }) : (cursor ?? null);
  return { readings, nextCursor: rows.length > limit ? resumeCursor : null, resumeCursor };
}

/** RFC 4180 CSV of readings: one column per listing metric. */
export function readingsCsv(readings: readonly FeedReading[], metrics: readonly string[], header = true): string {
  const lines = header ? [["device", "sequence", "measured_at", "received_at", "cell", ...metrics].join(",")] : [];
  for (const reading of readings) {
    lines.push([reading.device, reading.sequence, reading.measuredAt, reading.receivedAt, reading.cell ?? "", ...metrics.map((metric) => reading.values[metric]?.toString() ?? "")].join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
