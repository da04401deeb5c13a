import "server-only";
import { hexToBytes, type Address } from "viem";
import { METRICS, type Metric, type MetricName } from "../aggregates/reading";
import type { PrismaClient } from "../db/generated/client";
import { bucketRange, SERIES_MAX_POINTS, type SeriesQuery } from "./series-query";
import type { DeviceSeries, MetricSeries } from "./series-types";

/** ingest.telemetry column of each metric (the wire integer, see migration *_ingest_telemetry). */
export const METRIC_COLUMNS: Record<MetricName, string> = {
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

type BucketRow = { bucket: Date } & Record<string, number | null>;

/**
 * A device's readings over a window, downsampled in PostgreSQL: date_bin
 * buckets (at most SERIES_MAX_POINTS) with min, mean and max per metric, in
 * physical units. The device and measured_at bounds let the primary key
 * (device, …) and the day partitions prune the scan to this device's rows.
 */
export async function deviceSeries(db: PrismaClient, device: Address, query: SeriesQuery, now = Date.now()): Promise<DeviceSeries> {
  const range = bucketRange(query.window, now, SERIES_MAX_POINTS);
  const metrics: readonly Metric[] = query.metric ? METRICS.filter((m) => m.name === query.metric) : METRICS;
  // Column names come from the constant map above, never from input.
  const aggregates = metrics
    .map((m) => {
      const column = METRIC_COLUMNS[m.name];
      return `min(${column})::float8 AS "${m.name}_min", avg(${column})::float8 AS "${m.name}_mean", max(${column})::float8 AS "${m.name}_max", count(${column})::int AS "${m.name}_count"`;
    })
    .join(", ");
  const rows = await db.$queryRawUnsafe<BucketRow[]>(
    `SELECT date_bin($2::int * interval '1 second', measured_at, timestamptz '1970-01-01 00:00:00+00') AS bucket, ${aggregates}
       FROM ingest.telemetry
      WHERE device = $1 AND measured_at >= $3::timestamptz AND measured_at < $4::timestamptz
      GROUP BY bucket ORDER BY bucket`,
    Buffer.from(hexToBytes(device)),
    range.bucketSeconds,
    new Date(range.from).toISOString(),
    new Date(range.to).toISOString(),
  );
  const series: MetricSeries[] = [];
  for (const m of metrics) {
    const points = rows
      .filter((row) => (row[`${m.name}_count`] ?? 0) > 0)
      .map((row) => ({
        t: row.bucket.toISOString(),
        min: (row[`${m.name}_min`] as number) / m.perUnit,
        mean: (row[`${m.name}_mean`] as number) / m.perUnit,
        max: (row[`${m.name}_max`] as number) / m.perUnit,
        count: row[`${m.name}_count`] as number,
      }));
    if (points.length > 0 || query.metric) series.push({ metric: m.name, unit: m.unit, decimals: m.decimals, points });
  }
  return {
    device: device.toLowerCase(),
    window: query.window,
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    bucketSeconds: range.bucketSeconds,
    series,
  };
}
