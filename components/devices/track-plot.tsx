import { useId } from "react";
import type { DeviceTrack } from "@/lib/ingest/series-types";
import { geoProjection, type Frame } from "./chart-geometry";
import { formatTime, WINDOW_LABELS } from "./metric-labels";

const FRAME: Frame = { width: 480, height: 320, left: 10, right: 10, top: 10, bottom: 10 };

/** The track as drawn from the API's answer: a path of exact fixes, or the H3 cells passed through. */
export function TrackPlot({ track }: { track: DeviceTrack }) {
  const id = useId();
  const withDate = track.window !== "1h";
  const period = WINDOW_LABELS[track.window];
  if (track.precision === "exact") {
    if (track.points.length === 0) return <p className="muted">No position reported in the {period}.</p>;
    const project = geoProjection(track.points.map((p) => [p.lat, p.lon] as const), FRAME);
    const xy = track.points.map((p) => project(p.lat, p.lon));
    const first = track.points[0] as (typeof track.points)[number];
    const last = track.points.at(-1) as (typeof track.points)[number];
    const summary = `${track.points.length} positions over the ${period}, from ${first.lat.toFixed(5)}, ${first.lon.toFixed(5)} at ${formatTime(first.t, withDate)} to ${last.lat.toFixed(5)}, ${last.lon.toFixed(5)} at ${formatTime(last.t, withDate)} UTC.`;
    return (
      <figure className="track-plot" data-testid="track-exact">
        <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-labelledby={`${id}-desc`} className="chart-svg">
          <desc id={`${id}-desc`}>{summary}</desc>
          <polyline points={xy.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")} className="chart-line" />
          {xy.map((p, i) => (
            <circle key={i} cx={p.x} cy={p.y} r={i === xy.length - 1 ? 5 : 2} className={i === xy.length - 1 ? "track-latest" : "chart-dot"} />
          ))}
        </svg>
        <figcaption className="muted">
          {summary} North is up; the large dot is the latest position. Only you and the project&apos;s staff see these positions.
        </figcaption>
      </figure>
    );
  }
  if (track.cells.length === 0) return <p className="muted">No position reported in the {period}.</p>;
  const project = geoProjection(
    track.cells.flatMap((c) => c.boundary),
    FRAME,
  );
  const unique = new Set(track.cells.map((c) => c.cell));
  const summary = `Passed through ${unique.size} area${unique.size === 1 ? "" : "s"} (H3 cells of about 5 km²) over the ${period}.`;
  return (
    <figure className="track-plot" data-testid="track-cells">
      <svg viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} role="img" aria-labelledby={`${id}-desc`} className="chart-svg">
        <desc id={`${id}-desc`}>{summary}</desc>
        {track.cells.map((visit, i) => (
          <polygon
            key={`${visit.cell}-${i}`}
            points={visit.boundary.map(([lat, lon]) => project(lat, lon)).map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ")}
            className={i === track.cells.length - 1 ? "track-cell track-cell-latest" : "track-cell"}
          />
        ))}
      </svg>
      <figcaption className="muted">
        {summary} The latest is highlighted. Exact positions are shown only to the owner and the project&apos;s staff.
      </figcaption>
      <details>
        <summary>List of the areas</summary>
        <ol className="cell-visits">
          {track.cells.map((visit, i) => (
            <li key={`${visit.cell}-${i}`}>
              <code>{visit.cell}</code> {formatTime(visit.firstSeen, withDate)}–{formatTime(visit.lastSeen, withDate)} UTC
            </li>
          ))}
        </ol>
      </details>
    </figure>
  );
}
