"use client";

import type { SeriesPoint } from "@/lib/map/api-types";

/** A small line of hourly values; gaps (null) break the line. */
export function Sparkline({ series, label }: { series: SeriesPoint[]; label: string }) {
  const values = series.map((p) => p.value).filter((v): v is number => v !== null);
  if (values.length < 2) return <p className="muted map-sparkline-empty">Not enough finished hours for a trend yet.</p>;
  const width = 240;
  const height = 48;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const step = width / Math.max(1, series.length - 1);
  let path = "";
  let pen = false;
  series.forEach((point, i) => {
    if (point.value === null) {
      pen = false;
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (height - 4 - ((point.value - min) / span) * (height - 8)).toFixed(1);
    path += `${pen ? "L" : "M"}${x},${y} `;
    pen = true;
  });
  return (
    <svg className="map-sparkline" viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${label}, last ${series.length} hours: ${min.toFixed(1)} to ${max.toFixed(1)}`}>
      <path d={path} fill="none" stroke="currentColor" strokeWidth="2" />
    </svg>
  );
}
