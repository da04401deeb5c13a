/**
 * The map's shareable state and its URL form (?lat=&lon=&z=&metric=&window=&mode=&project=&sel=&earn=&wanted=&t=).
 * Unknown or malformed values fall back to defaults, so any link opens a map.
 */
import { METRIC_KEYS, WINDOW_KEYS, type MetricKey, type TimeWindow } from "@/lib/map/viewport-params";

export type LayerMode = "hexagons" | "heatmap";

export interface MapUrlState {
  lat: number;
  lon: number;
  zoom: number;
  metric: MetricKey;
  window: TimeWindow;
  mode: LayerMode;
  project: string | null;
  /** "d:<address>" or "h:<cell>": the open side panel. */
  selection: string | null;
  /** "Earn more here" layer. */
  earn: boolean;
  /** "Where data is wanted": the marketplace's open requests. */
  wanted: boolean;
  /** Playback: the ISO start of the frame shown (see playbackFrames); null = live. */
  frame: string | null;
}

export const DEFAULT_STATE: MapUrlState = { lat: 25, lon: 10, zoom: 1.3, metric: "pm25", window: "24h", mode: "hexagons", project: null, selection: null, earn: false, wanted: false, frame: null };

function numberIn(raw: string | null, min: number, max: number, fallback: number): number {
  if (raw === null || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function oneOf<T extends string>(raw: string | null, options: readonly T[], fallback: T): T {
  return options.includes(raw as T) ? (raw as T) : fallback;
}

/** An ISO instant as the frame, normalised; anything else is live. */
function frameParam(raw: string | null): string | null {
  if (raw === null || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z$/.test(raw)) return null;
  const time = Date.parse(raw);
  return Number.isFinite(time) ? new Date(time).toISOString() : null;
}

export function parseMapState(params: URLSearchParams): MapUrlState {
  const project = params.get("project");
  const selection = params.get("sel");
  return {
    lat: numberIn(params.get("lat"), -85, 85, DEFAULT_STATE.lat),
    lon: numberIn(params.get("lon"), -180, 180, DEFAULT_STATE.lon),
    zoom: numberIn(params.get("z"), 0, 20, DEFAULT_STATE.zoom),
    metric: oneOf(params.get("metric"), METRIC_KEYS, DEFAULT_STATE.metric),
    window: oneOf(params.get("window"), WINDOW_KEYS, DEFAULT_STATE.window),
    mode: oneOf(params.get("mode"), ["hexagons", "heatmap"] as const, DEFAULT_STATE.mode),
    project: project && /^[a-z0-9-]{1,64}$/.test(project) ? project : null,
    selection: selection && /^(d:0x[0-9a-fA-F]{40}|h:[0-9a-f]{15})$/.test(selection) ? selection : null,
    earn: params.get("earn") === "1",
    wanted: params.get("wanted") === "1",
    frame: frameParam(params.get("t")),
  };
}

export function mapStateQuery(state: MapUrlState): string {
  const params = new URLSearchParams({ lat: state.lat.toFixed(4), lon: state.lon.toFixed(4), z: state.zoom.toFixed(2) });
  if (state.metric !== DEFAULT_STATE.metric) params.set("metric", state.metric);
  if (state.window !== DEFAULT_STATE.window) params.set("window", state.window);
  if (state.mode !== DEFAULT_STATE.mode) params.set("mode", state.mode);
  if (state.project) params.set("project", state.project);
  if (state.selection) params.set("sel", state.selection);
  if (state.earn) params.set("earn", "1");
  if (state.wanted) params.set("wanted", "1");
  if (state.frame) params.set("t", state.frame);
  return params.toString();
}
