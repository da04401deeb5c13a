/**
 * Small SVG charts without a chart library: enough for hourly fleet health.
 * Server-renderable; every chart carries a text summary for screen readers.
 */
const WIDTH = 640;
const HEIGHT = 180;
const PAD = { top: 10, right: 10, bottom: 24, left: 36 };

interface Series {
  label: string;
  values: Array<number | null>;
  className: string;
}

function hourLabel(iso: string): string {
  return `${iso.slice(11, 13)}h`;
}

/** Online devices stacked on offline ones, one bar per hour. */
export function OnlineBars({ hours, summary }: { hours: Array<{ hourStart: string; online: number; registered: number }>; summary: string }) {
  const max = Math.max(1, ...hours.map((h) => h.registered));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const barW = innerW / Math.max(1, hours.length);
  const y = (value: number) => PAD.top + innerH - (value / max) * innerH;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <text x={PAD.left - 4} y={y(max) + 4} textAnchor="end" className="chart-tick">{max}</text>
        <text x={PAD.left - 4} y={y(0)} textAnchor="end" className="chart-tick">0</text>
        {hours.map((hour, i) => {
          const x = PAD.left + i * barW;
          const offline = Math.max(0, hour.registered - hour.online);
          return (
            <g key={hour.hourStart}>
              <title>{`${hour.hourStart.slice(0, 13)}:00 UTC: ${hour.online} online, ${offline} offline`}</title>
              <rect x={x + 1} width={Math.max(1, barW - 2)} y={y(hour.online)} height={y(0) - y(hour.online)} className="chart-online" />
              <rect x={x + 1} width={Math.max(1, barW - 2)} y={y(hour.registered)} height={y(hour.online) - y(hour.registered)} className="chart-offline" />
              {i % Math.ceil(hours.length / 8) === 0 && (
                <text x={x + barW / 2} y={HEIGHT - 6} textAnchor="middle" className="chart-tick">{hourLabel(hour.hourStart)}</text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="muted">
        <span className="chart-key chart-online" /> online <span className="chart-key chart-offline" /> offline (registered, no data that hour)
      </figcaption>
    </figure>
  );
}

/** Lines over hours on a fixed 0…`max` scale; null values break the line. */
export function LineChart({ labels, series, max, summary }: { labels: string[]; series: Series[]; max: number; summary: string }) {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (labels.length <= 1 ? innerW / 2 : (i / (labels.length - 1)) * innerW);
  const y = (v: number) => PAD.top + innerH - (v / max) * innerH;
  const path = (values: Array<number | null>) => {
    let d = "";
    let pen = false;
    values.forEach((value, i) => {
      if (value === null) return void (pen = false);
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary}>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        <text x={PAD.left - 4} y={y(max) + 4} textAnchor="end" className="chart-tick">{max}</text>
        <text x={PAD.left - 4} y={y(0)} textAnchor="end" className="chart-tick">0</text>
        {labels.map((label, i) => (i % Math.ceil(labels.length / 8) === 0 ? <text key={label} x={x(i)} y={HEIGHT - 6} textAnchor="middle" className="chart-tick">{hourLabel(label)}</text> : null))}
        {series.map((s) => (
          <path key={s.label} d={path(s.values)} className={`chart-line ${s.className}`} fill="none" />
        ))}
      </svg>
    </figure>
  );
}

/** Horizontal bars, e.g. devices per firmware version. */
export function BarList({ items, summary }: { items: Array<{ label: string; value: number }>; summary: string }) {
  const max = Math.max(1, ...items.map((item) => item.value));
  const rowH = 24;
  const height = Math.max(rowH, items.length * rowH);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-label={summary}>
        {items.map((item, i) => (
          <g key={item.label} transform={`translate(0 ${i * rowH})`}>
            <text x={150} y={16} textAnchor="end" className="chart-tick">{item.label}</text>
            <rect x={160} y={4} height={rowH - 8} width={((WIDTH - 220) * item.value) / max} className="chart-online" />
            <text x={166 + ((WIDTH - 220) * item.value) / max} y={16} className="chart-tick">{item.value}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
