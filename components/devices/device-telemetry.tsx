"use client";

import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api-client";
import type { SeriesWindow } from "@/lib/ingest/series-query";
import type { DeviceSeries, DeviceTrack } from "@/lib/ingest/series-types";
import { WINDOW_LABELS } from "./metric-labels";
import { SensorChart } from "./sensor-chart";
import { TrackPlot } from "./track-plot";

/** Refresh while the page is open: new buckets fill in as the device reports. */
const REFRESH_MS = 60_000;

function Pending({ what }: { what: string }) {
  return (
    <p role="status" className="muted">
      Loading {what}…
    </p>
  );
}

function Failed({ what, error }: { what: string; error: Error }) {
  return <p role="alert" className="tx-error">Could not load the {what}: {error.message}</p>;
}

export function DeviceCharts({ device, window }: { device: string; window: SeriesWindow }) {
  const query = useQuery({
    queryKey: ["devices", "series", device, window],
    queryFn: () => apiFetch<DeviceSeries>(`/api/devices/${device}/series?window=${window}`),
    refetchInterval: REFRESH_MS,
  });
  if (query.isPending) return <Pending what="readings" />;
  if (query.isError) return <Failed what="readings" error={query.error} />;
  const data = query.data;
  if (data.series.length === 0) return <p className="muted" data-testid="charts-empty">No readings in the {WINDOW_LABELS[window]}.</p>;
  return (
    <div className="chart-grid" data-testid="charts">
      {data.series.map((series) => (
        <SensorChart key={series.metric} series={series} window={data.window} from={data.from} to={data.to} bucketSeconds={data.bucketSeconds} />
      ))}
    </div>
  );
}

/**
 * `viewer` (the signed-in address, from the server render) is part of the
 * cache key: after a sign-out the owner's exact track must not be shown from cache.
 */
export function DeviceTrackView({ device, window, viewer }: { device: string; window: SeriesWindow; viewer: string | null }) {
  const query = useQuery({
    queryKey: ["devices", "track", device, window, viewer],
    queryFn: () => apiFetch<DeviceTrack>(`/api/devices/${device}/track?window=${window}`),
    refetchInterval: REFRESH_MS,
  });
  if (query.isPending) return <Pending what="track" />;
  if (query.isError) return <Failed what="track" error={query.error} />;
  return <TrackPlot track={query.data} />;
}
