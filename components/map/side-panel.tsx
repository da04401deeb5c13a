"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { apiFetch } from "@/components/api-client";
import type { CellDetail, DeviceDetail, MapDevice } from "@/lib/map/api-types";
import { formatValue, STATUS_COLOURS } from "@/lib/map/ramp";
import { METRICS, type MetricKey, type TimeWindow } from "@/lib/map/viewport-params";
import { Sparkline } from "./sparkline";

interface Props {
  selection: string;
  metric: MetricKey;
  window: TimeWindow;
  project: string | null;
  onClose: () => void;
  onSelect: (selection: string) => void;
}

function detailUrl({ selection, metric, window, project }: Omit<Props, "onClose" | "onSelect">): string {
  const params = new URLSearchParams({ metric, window });
  if (project) params.set("project", project);
  if (selection.startsWith("d:")) params.set("device", selection.slice(2));
  else params.set("cell", selection.slice(2));
  return `/api/map/detail?${params}`;
}

function Readings({ device }: { device: MapDevice }) {
  const rows: Array<[string, string]> = [
    ["PM2.5", formatValue("pm25", device.readings.pm25)],
    ["Temperature", formatValue("temperature", device.readings.temperature)],
    ["Humidity", formatValue("humidity", device.readings.humidity)],
    ["Light", formatValue("light", device.readings.light)],
    ["Uptime (last hour)", formatValue("uptime", device.readings.uptime)],
  ];
  return (
    <dl className="map-readings">
      {rows.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function StatusBadge({ status }: { status: MapDevice["status"] }) {
  return (
    <span className="map-status">
      <span className="map-status-dot" style={{ background: STATUS_COLOURS[status] }} aria-hidden="true" />
      {status}
    </span>
  );
}

function DeviceBody({ detail, metric }: { detail: DeviceDetail; metric: MetricKey }) {
  const { device } = detail;
  return (
    <>
      <h2 id="map-panel-title" className="map-panel-title">
        Device <code>{device.address.slice(0, 10)}…</code>
      </h2>
      <p>
        <StatusBadge status={device.status} /> · quality {device.quality ?? "–"}/100 · project {device.project.name}
      </p>
      <p className="muted">
        {device.exact ? `Exact position ${device.exact.lat.toFixed(5)}, ${device.exact.lon.toFixed(5)} (visible to you as owner or admin)` : "Shown at its public H3 cell (about 5 km²)."}
      </p>
      <Readings device={device} />
      <h3 className="map-panel-sub">{METRICS[metric].label}, last 24 h</h3>
      <Sparkline series={detail.series} label={METRICS[metric].label} />
      <p>
        <Link href={`/devices/${device.address}`}>Open the device page</Link>
      </p>
    </>
  );
}

function CellBody({ detail, metric, onSelect }: { detail: CellDetail; metric: MetricKey; onSelect: (selection: string) => void }) {
  const { properties } = detail.hexagon;
  return (
    <>
      <h2 id="map-panel-title" className="map-panel-title">
        Hexagon (H3 res {detail.resolution})
      </h2>
      <p>
        {properties.devices} device(s), {properties.online} online · {METRICS[metric].label}: <strong>{formatValue(metric, properties.value)}</strong> · mean quality{" "}
        {properties.quality === null ? "–" : Math.round(properties.quality)}/100
      </p>
      <h3 className="map-panel-sub">{METRICS[metric].label}, last 24 h</h3>
      <Sparkline series={detail.series} label={METRICS[metric].label} />
      {detail.devices.length > 0 && (
        <>
          <h3 className="map-panel-sub">Devices</h3>
          <ul className="map-panel-devices">
            {detail.devices.map((device) => (
              <li key={device.address}>
                <button type="button" className="link-button" onClick={() => onSelect(`d:${device.address}`)}>
                  {device.address.slice(0, 10)}…
                </button>{" "}
                <StatusBadge status={device.status} /> · {device.project.name}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** The panel for a clicked device or hexagon; Escape or the close button closes it, focus moves into it. */
export function SidePanel(props: Props) {
  const { onClose } = props;
  const url = detailUrl(props);
  const detail = useQuery({ queryKey: ["map-detail", url], queryFn: () => apiFetch<DeviceDetail | CellDetail>(url) });
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    panel.current?.focus();
  }, [props.selection]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  return (
    <aside ref={panel} className="map-panel" tabIndex={-1} aria-labelledby="map-panel-title" data-testid="map-panel">
      <button type="button" className="map-panel-close" onClick={onClose} aria-label="Close panel">
        ×
      </button>
      {detail.isPending && <p id="map-panel-title">Loading…</p>}
      {detail.isError && (
        <p id="map-panel-title" role="alert">
          {detail.error.message}
        </p>
      )}
      {detail.data?.kind === "device" && <DeviceBody detail={detail.data} metric={props.metric} />}
      {detail.data?.kind === "cell" && <CellBody detail={detail.data} metric={props.metric} onSelect={props.onSelect} />}
    </aside>
  );
}
