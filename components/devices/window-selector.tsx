import Link from "next/link";
import { SERIES_WINDOWS, type SeriesWindow } from "@/lib/ingest/series-query";

const SHORT_LABELS: Record<SeriesWindow, string> = { "1h": "1 hour", "24h": "24 hours", "7d": "7 days" };

/** Plain links (?window=…): the choice lives in the URL, works with the keyboard and survives a reload. */
export function WindowSelector({ device, current }: { device: string; current: SeriesWindow }) {
  return (
    <nav aria-label="Time window" className="window-selector">
      {SERIES_WINDOWS.map((window) => (
        <Link
          key={window}
          href={`/devices/${device}?window=${window}`}
          scroll={false}
          replace
          aria-current={window === current ? "true" : undefined}
          className="window-option"
          data-testid={`window-${window}`}
        >
          {SHORT_LABELS[window]}
        </Link>
      ))}
    </nav>
  );
}
