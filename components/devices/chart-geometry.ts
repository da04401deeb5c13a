import type { SeriesPoint } from "@/lib/ingest/series-types";

/** Pure SVG geometry for the sensor charts and the track plot (no React, unit-tested). */

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartShapes {
  /** Closed min–max band per run of adjacent buckets. */
  bands: string[];
  /** Mean line per run; a run of one bucket is a dot instead. */
  lines: string[];
  dots: Array<{ x: number; y: number }>;
  yMin: number;
  yMax: number;
}

const fmt = (n: number): string => (Math.round(n * 10) / 10).toString();

/** Value range with a little headroom; a flat series gets a visible band around its value. */
export function valueDomain(points: readonly SeriesPoint[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of points) {
    lo = Math.min(lo, p.min);
    hi = Math.max(hi, p.max);
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Band and mean line of a downsampled series over [from, to). Buckets more
 * than one width apart are a gap in the data, so the shapes break there
 * instead of drawing a line across hours without readings.
 */
export function chartShapes(points: readonly SeriesPoint[], from: number, to: number, bucketMs: number, frame: Frame): ChartShapes {
  const [yMin, yMax] = valueDomain(points);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  // Each bucket is drawn at its middle (the current, partial bucket at "now").
  const x = (t: number) => frame.left + ((Math.min(t + bucketMs / 2, to) - from) / Math.max(1, to - from)) * plotW;
  const y = (v: number) => frame.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const runs: SeriesPoint[][] = [];
  let previous: number | null = null;
  for (const point of points) {
    const t = Date.parse(point.t);
    if (previous === null || t - previous > bucketMs) runs.push([]);
    runs.at(-1)?.push(point);
    previous = t;
  }
  const shapes: ChartShapes = { bands: [], lines: [], dots: [], yMin, yMax };
  for (const run of runs) {
    const xs = run.map((p) => x(Date.parse(p.t)));
    if (run.length === 1) {
      shapes.dots.push({ x: xs[0] as number, y: y((run[0] as SeriesPoint).mean) });
      continue;
    }
    const upper = run.map((p, i) => `${fmt(xs[i] as number)},${fmt(y(p.max))}`);
    const lower = run.map((p, i) => `${fmt(xs[i] as number)},${fmt(y(p.min))}`).reverse();
    shapes.bands.push(`M${upper.join("L")}L${lower.join("L")}Z`);
    shapes.lines.push(`M${run.map((p, i) => `${fmt(xs[i] as number)},${fmt(y(p.mean))}`).join("L")}`);
  }
  return shapes;
}

/**
 * Fits [lat, lon] pairs into the frame, keeping proportions: longitude is
 * scaled by cos(latitude) (equirectangular), which is exact enough for the
 * few kilometres a device travels in a week.
 */
export function geoProjection(coordinates: ReadonlyArray<readonly [number, number]>, frame: Frame): (lat: number, lon: number) => { x: number; y: number } {
  const lats = coordinates.map((c) => c[0]);
  const lons = coordinates.map((c) => c[1]);
  const minLat = Math.min(...lats);
  const maxLat = Math.max(...lats);
  const minLon = Math.min(...lons);
  const maxLon = Math.max(...lons);
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-6);
  const spanY = Math.max(maxLat - minLat, 1e-6);
  const plotW = frame.width - frame.left - frame.right;
  const plotH = frame.height - frame.top - frame.bottom;
  const scale = Math.min(plotW / spanX, plotH / spanY);
  const offsetX = frame.left + (plotW - spanX * scale) / 2;
  const offsetY = frame.top + (plotH - spanY * scale) / 2;
  return (lat, lon) => ({ x: offsetX + (lon - minLon) * k * scale, y: offsetY + (maxLat - lat) * scale });
}
