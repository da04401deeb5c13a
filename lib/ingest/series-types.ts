import type { MetricName } from "../aggregates/reading";
import type { SeriesWindow } from "./series-query";

/** JSON answers of GET /api/devices/[address]/series and /track (times as ISO-8601 UTC). */

export interface SeriesPoint {
  /** Bucket start. */
  t: string;
  min: number;
  mean: number;
  max: number;
  /** Readings in the bucket. */
  count: number;
}

export interface MetricSeries {
  metric: MetricName;
  unit: string;
  /** Decimals the wire unit carries (e.g. 1 for PM2.5 in 0.1 µg/m³). */
  decimals: number;
  /** Buckets with at least one reading, in time order (gaps are missing buckets). */
  points: SeriesPoint[];
}

export interface DeviceSeries {
  device: string;
  window: SeriesWindow;
  from: string;
  to: string;
  bucketSeconds: number;
  /** Without `metric`: every metric with data in the window; with it: that one, possibly with no points. */
  series: MetricSeries[];
}

export interface ExactTrackPoint {
  t: string;
  lat: number;
  lon: number;
  accuracyMeters: number | null;
}

export interface CellVisit {
  cell: string;
  /** Cell outline, [lat, lon] pairs (public: derived from the cell id alone). */
  boundary: Array<[number, number]>;
  firstSeen: string;
  lastSeen: string;
}

interface TrackBase {
  device: string;
  window: SeriesWindow;
  from: string;
  to: string;
  bucketSeconds: number;
}

/**
 * Owners and project staff get positions (the last fix of each bucket);
 * everyone else only the H3 cells the device passed through, in order.
 */
export type DeviceTrack =
  | (TrackBase & { precision: "exact"; points: ExactTrackPoint[] })
  | (TrackBase & { precision: "cell"; resolution: number; cells: CellVisit[] });
