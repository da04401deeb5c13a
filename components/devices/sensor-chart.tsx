import { useId } from "react";
import type { MetricSeries } from "@/lib/ingest/series-types";
import type { SeriesWindow } from "@/lib/ingest/series-query";
import { chartShapes, type Frame } from "./chart-geometry";
import { formatTime, METRIC_LABELS, WINDOW_LABELS } from "./metric-labels";

const FRAME: Frame = { width: 480, height: 180, left: 52, right: 8, top: 8, bottom: 22 };

interface Props {
  series: MetricSeries;
  window: SeriesWindow;
  from: string;
  to: string;
  bucketSeconds: number;
}

/**
 * One sensor over the window: the min–max band of each bucket and its mean as
 * a line. The SVG carries a text summary for screen readers; the exact
 * figures are in a table behind a keyboard-reachable disclosure.
 */
export function SensorChart({ series, window, from, to, bucketSeconds }: Props) {
  const id = useId();
  const label = METRIC_LABELS[series.metric];
  const format = (value: number) => value.toFixed(series.decimals);
  const withDate = window !== "1h";
  const shapes = chartShapes(series.points, Date.parse(from), Date.parse(to), bucketSeconds * 1000, FRAME);
  const latest = series.points.at(-1);
  const lowest = Math.min(...series.points.map((p) => p.min));
  const highest = Math.max(...series.points.map((p) => p.max));
  const summary = latest
    ? `${label} over the ${WINDOW_LABELS[window]}: between ${format(lowest)} and ${format(highest)} ${series.unit}; latest mean ${format(latest.mean)} ${series.unit} at ${formatTime(latest.t, withDate)} UTC.`
    : `${label}: no readings in the ${WINDOW_LABELS[window]}.`;
  return (
    <figure className="sensor-chart" data-testid={`chart-${series.metric}`}>
      <figcaption id={`${id}-title`}>
        <strong>{label}</strong> <span className="muted">({series.unit})</span>
      </figcaption>
      {series.points.length === 0 ? (
        <p className="muted">{summary}</p>
      ) : (
        <>
          <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart-svg">
            <desc id={`${id}-desc`}>{summary}</desc>
            <line x1={FRAME.left} x2={FRAME.width - FRAME.right} y1={FRAME.height - FRAME.bottom} y2={FRAME.height - FRAME.bottom} className="chart-axis" />
            <text x={FRAME.left - 6} y={FRAME.top + 8} textAnchor="end" className="chart-tick">
              {format(shapes.yMax)}
            </text>
            <text x={FRAME.left - 6} y={FRAME.height - FRAME.bottom} textAnchor="end" className="chart-tick">
              {format(shapes.yMin)}
            </text>
            <text x={FRAME.left} y={FRAME.height - 6} className="chart-tick">
              {formatTime(from, withDate)}
            </text>
            <text x={FRAME.width - FRAME.right} y={FRAME.height - 6} textAnchor="end" className="chart-tick">
              {formatTime(to, withDate)} UTC
            </text>
            {shapes.bands.map((d, i) => (
              <path key={`band-${i}`} d={d} className="chart-band" />
            ))}
            {shapes.lines.map((d, i) => (
              <path key={`line-${i}`} d={d} className="chart-line" />
            ))}
            {shapes.dots.map((dot, i) => (
              <circle key={`dot-${i}`} cx={dot.x} cy={dot.y} r={2.5} className="chart-dot" />
            ))}
          </svg>
          <details>
            <summary>Table of the {series.points.length} values</summary>
            <table className="device-table chart-table">
              <caption className="visually-hidden">
                {label} per {bucketSeconds >= 60 ? `${bucketSeconds / 60} min` : `${bucketSeconds} s`}, {series.unit}
              </caption>
              <thead>
                <tr>
                  <th scope="col">From (UTC)</th>
                  <th scope="col">Min</th>
                  <th scope="col">Mean</th>
                  <th scope="col">Max</th>
                  <th scope="col">Readings</th>
                </tr>
              </thead>
              <tbody>
                {series.points.map((p) => (
                  <tr key={p.t}>
                    <td>{formatTime(p.t, withDate)}</td>
                    <td>{format(p.min)}</td>
                    <td>{format(p.mean)}</td>
                    <td>{format(p.max)}</td>
                    <td>{p.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  );
}
