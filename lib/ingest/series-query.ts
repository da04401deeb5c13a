import { z } from "zod";
import { METRICS, type MetricName } from "../aggregates/reading";

/**
 * Windows and bucketing of the per-device time series and track
 * (GET /api/devices/[address]/series|track). Pure, shared by the server
 * queries, the routes' query parsing and the device page.
 */

export const SERIES_WINDOWS = ["1h", "24h", "7d"] as const;
export type SeriesWindow = (typeof SERIES_WINDOWS)[number];
export const DEFAULT_WINDOW: SeriesWindow = "24h";

const WINDOW_SECONDS: Record<SeriesWindow, number> = { "1h": 3_600, "24h": 86_400, "7d": 604_800 };

/** A chart never needs more points than it has pixels to spare; 120 keeps a 7-day answer small. */
export const SERIES_MAX_POINTS = 120;
/** A track is sampled twice as finely so turns stay visible. */
export const TRACK_MAX_POINTS = 240;

export const windowSchema = z.enum(SERIES_WINDOWS);

const metricNames = METRICS.map((m) => m.name) as [MetricName, ...MetricName[]];

/** Query of /series: one metric or, without `metric`, every metric the device reports. */
export const seriesQuerySchema = z.strictObject({
  window: windowSchema.default(DEFAULT_WINDOW),
  metric: z.enum(metricNames).optional(),
});
export type SeriesQuery = z.output<typeof seriesQuerySchema>;

export const trackQuerySchema = z.strictObject({ window: windowSchema.default(DEFAULT_WINDOW) });
export type TrackQuery = z.output<typeof trackQuerySchema>;

/** URLSearchParams → plain object for the schemas above (a repeated key stays an array and fails validation). */
export function queryObject(url: string): Record<string, string | string[]> {
  const params = new URL(url).searchParams;
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

/** Page URL parameter → window; anything unknown falls back to the default instead of failing the page. */
export function windowFromParam(value: unknown): SeriesWindow {
  const parsed = windowSchema.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_WINDOW;
}

export interface BucketRange {
  /** Inclusive start, aligned to the bucket width (Unix ms). */
  from: number;
  /** Exclusive end: the request time (Unix ms). */
  to: number;
  bucketSeconds: number;
}

/**
 * The buckets covering the last `window` before `now`: width window/maxPoints,
 * aligned to the Unix epoch (so a refresh moves the chart by whole buckets and
 * PostgreSQL's date_bin(…, 'epoch') yields the same edges), and the start
 * rounded up to an edge so there are never more than maxPoints buckets.
 */
export function bucketRange(window: SeriesWindow, now: number, maxPoints: number): BucketRange {
  const bucketSeconds = WINDOW_SECONDS[window] / maxPoints;
  const widthMs = bucketSeconds * 1000;
  const from = Math.ceil((now - WINDOW_SECONDS[window] * 1000) / widthMs) * widthMs;
  return { from, to: now, bucketSeconds };
}

/** Start of the bucket holding `at` (same rule as date_bin with the epoch as origin). */
export function bucketStart(at: number, bucketSeconds: number): number {
  const widthMs = bucketSeconds * 1000;
  return Math.floor(at / widthMs) * widthMs;
}
