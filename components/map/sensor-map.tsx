"use client";

import "maplibre-gl/dist/maplibre-gl.css";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { FeatureCollection } from "geojson";
import type * as MapLibre from "maplibre-gl";
import type { StyleSpecification } from "maplibre-gl";
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent } from "react";
import MapView, { Layer, Marker, NavigationControl, Source, type MapLayerMouseEvent, type MapRef, type ViewStateChangeEvent } from "react-map-gl/maplibre";
import { apiFetch, ApiError } from "@/components/api-client";
import { usePublicConfig } from "@/components/public-config-context";
import { useTheme } from "@/components/theme";
import type { HexFeature, MapDevice, MyMapDevices, ViewportResponse, WantedFeature } from "@/lib/map/api-types";
import { MAJOR_CITIES, searchCities } from "@/lib/map/cities";
import { rampExpression, rampStops, STATUS_COLOURS, WANTED_STOPS, wantedExpression } from "@/lib/map/ramp";
import { basemapStyle } from "@/lib/map/style";
import { DEVICE_ZOOM, METRIC_KEYS, METRICS, WINDOW_KEYS, type MetricKey, type TimeWindow } from "@/lib/map/viewport-params";
import { mapStateQuery, parseMapState, type LayerMode, type MapUrlState } from "./map-state";
import { PlaybackControl } from "./playback-control";
import { SidePanel } from "./side-panel";

interface Bounds {
  west: number;
  south: number;
  east: number;
  north: number;
  zoom: number;
}

const WINDOW_LABELS: Record<TimeWindow, string> = { "1h": "Last hour", "24h": "Last day", "7d": "Last week" };

/** Rounded so tiny moves reuse the cached response. */
function viewportUrl(bounds: Bounds, state: MapUrlState): string {
  const round = (value: number) => value.toFixed(3);
  const clampLon = (value: number) => Math.max(-180, Math.min(180, value));
  const params = new URLSearchParams({
    west: round(bounds.east - bounds.west >= 360 ? -180 : clampLon(bounds.west)),
    south: round(Math.max(-90, bounds.south)),
    east: round(bounds.east - bounds.west >= 360 ? 180 : clampLon(bounds.east)),
    north: round(Math.min(90, bounds.north)),
    zoom: bounds.zoom.toFixed(1),
    metric: state.metric,
    window: state.window,
  });
  if (state.project) params.set("project", state.project);
  if (state.frame) params.set("frame", state.frame);
  return `/api/map/viewport?${params}`;
}

function boundsOf(map: MapRef): Bounds {
  const b = map.getBounds();
  return { west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(), zoom: map.getZoom() };
}

function centroid(feature: HexFeature): [number, number] {
  const ring = feature.geometry.coordinates[0]!.slice(0, -1);
  const lon = ring.reduce((sum, p) => sum + p[0]!, 0) / ring.length;
  const lat = ring.reduce((sum, p) => sum + p[1]!, 0) / ring.length;
  return [lon, lat];
}

function devicesCollection(devices: MapDevice[]): FeatureCollection {
  return {
    type: "FeatureCollection",
    features: devices.map((d) => ({
      type: "Feature",
      properties: { address: d.address, status: d.status, quality: d.quality ?? 50 },
      geometry: { type: "Point", coordinates: [d.lon, d.lat] },
    })),
  };
}

const noSubscription = () => () => {};

/** Same-origin worker: see app/map/maplibre-gl-worker.mjs/route.ts. */
let mapLibrary: Promise<typeof MapLibre> | undefined;
export function loadMapLibrary(): Promise<typeof MapLibre> {
  mapLibrary ??= import("maplibre-gl").then((maplibre) => {
    maplibre.setWorkerUrl("/map/maplibre-gl-worker.mjs");
    return maplibre;
  });
  return mapLibrary;
}

export interface ProjectOption {
  slug: string;
  name: string;
}

export function SensorMap({ projects, initialQuery }: { projects: ProjectOption[]; initialQuery: string }) {
  const config = usePublicConfig();
  const theme = useTheme();
  const mapRef = useRef<MapRef>(null);
  const [state, setState] = useState<MapUrlState>(() => parseMapState(new URLSearchParams(initialQuery)));
  const [bounds, setBounds] = useState<Bounds | null>(null);
  const [search, setSearch] = useState("");
  const [searchMessage, setSearchMessage] = useState<string | null>(null);
  const [live, setLive] = useState<{ box: string | null; devices: Map<string, MapDevice> }>({ box: null, devices: new Map() });
  // The basemap's data URLs need the page's origin, known in the browser only (null while server rendering).
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => null);

  const mapStyle = useMemo<string | StyleSpecification | null>(
    () => config.mapStyleUrl ?? (origin ? basemapStyle(theme, origin) : null),
    [config.mapStyleUrl, origin, theme],
  );

  // Shareable state: the URL follows the map without adding history entries.
  useEffect(() => {
    const query = mapStateQuery(state);
    if (window.location.search !== `?${query}`) window.history.replaceState(window.history.state, "", `/map?${query}`);
  }, [state]);

  const update = useCallback((patch: Partial<MapUrlState>) => setState((current) => ({ ...current, ...patch })), []);
  const onFrame = useCallback((frame: string | null) => update({ frame }), [update]);

  const url = bounds ? viewportUrl(bounds, state) : null;
  const viewport = useQuery({
    queryKey: ["map-viewport", url],
    queryFn: () => apiFetch<ViewportResponse>(url!),
    enabled: url !== null,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });

  const mine = useQuery({
    queryKey: ["map-mine", state.window],
    queryFn: async () => {
      try {
        return await apiFetch<MyMapDevices>(`/api/map/mine?window=${state.window}`);
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });

  const demand = useQuery({
    queryKey: ["map-demand"],
    queryFn: () => apiFetch<{ features: HexFeature[] }>("/api/map/demand"),
    enabled: state.earn,
    staleTime: 60_000,
  });

  const wanted = useQuery({
    queryKey: ["map-wanted"],
    queryFn: () => apiFetch<{ features: WantedFeature[] }>("/api/map/demand?layer=wanted"),
    enabled: state.wanted,
    staleTime: 60_000,
  });

  // Live: at device zoom, readings stream in for the visible box (server-sent events).
  const deviceZoom = bounds !== null && bounds.zoom >= DEVICE_ZOOM;
  const liveBox = deviceZoom && bounds ? viewportUrl(bounds, state).replace("/api/map/viewport?", "") : null;
  useEffect(() => {
    if (!liveBox) return;
    const params = new URLSearchParams(liveBox);
    const box = new URLSearchParams({ west: params.get("west")!, south: params.get("south")!, east: params.get("east")!, north: params.get("north")! });
    const source = new EventSource(`/api/map/live?${box}`);
    source.addEventListener("devices", (event) => {
      const devices = JSON.parse((event as MessageEvent<string>).data) as MapDevice[];
      setLive((current) => {
        const next = new Map(current.box === liveBox ? current.devices : []);
        for (const device of devices) next.set(device.address, device);
        return { box: liveBox, devices: next };
      });
    });
    return () => source.close();
  }, [liveBox]);

  const data = viewport.data;
  const hexagons: FeatureCollection | null = data?.kind === "hexagons" ? { type: "FeatureCollection", features: data.features } : null;
  const heatPoints: FeatureCollection | null = useMemo(() => {
    if (data?.kind !== "hexagons") return null;
    const [low, high] = METRICS[data.metric].domain;
    return {
      type: "FeatureCollection",
      features: data.features.map((f) => ({
        type: "Feature",
        properties: { weight: Math.max(0, Math.min(1, ((f.properties.value ?? low) - low) / (high - low))) },
        geometry: { type: "Point", coordinates: centroid(f) },
      })),
    };
  }, [data]);
  const liveDevices = live.box === liveBox ? live.devices : null;
  const devices = useMemo(() => {
    if (data?.kind !== "devices") return null;
    const merged = new Map(data.devices.map((d) => [d.address, d]));
    for (const [address, device] of liveDevices ?? []) if (merged.has(address)) merged.set(address, device);
    return [...merged.values()];
  }, [data, liveDevices]);

  const myExact: FeatureCollection | null = mine.data
    ? {
        type: "FeatureCollection",
        features: mine.data.devices.filter((d) => d.exact).map((d) => ({ type: "Feature", properties: { address: d.address }, geometry: { type: "Point", coordinates: [d.exact!.lon, d.exact!.lat] } })),
      }
    : null;
  const myTracks: FeatureCollection | null = mine.data
    ? {
        type: "FeatureCollection",
        features: mine.data.tracks.filter((t) => t.points.length > 1).map((t) => ({ type: "Feature", properties: { address: t.address }, geometry: { type: "LineString", coordinates: t.points } })),
      }
    : null;

  const onMoveEnd = useCallback(
    (event: ViewStateChangeEvent) => {
      const map = mapRef.current;
      if (!map) return;
      setBounds(boundsOf(map));
      update({ lat: event.viewState.latitude, lon: event.viewState.longitude, zoom: event.viewState.zoom });
    },
    [update],
  );

  const onClick = useCallback(
    (event: MapLayerMouseEvent) => {
      const feature = event.features?.[0];
      if (!feature) return;
      if (feature.layer.id === "device-clusters") {
        mapRef.current?.easeTo({ center: event.lngLat, zoom: (mapRef.current.getZoom() ?? DEVICE_ZOOM) + 2 });
        return;
      }
      const properties = feature.properties as { address?: string; cell?: string };
      if (properties.address) update({ selection: `d:${properties.address}` });
      else if (properties.cell) update({ selection: `h:${properties.cell}` });
    },
    [update],
  );

  const fitToMine = () => {
    const points = (mine.data?.devices ?? []).map((d) => d.exact ?? { lat: d.lat, lon: d.lon });
    if (points.length === 0) return;
    const lons = points.map((p) => p.lon);
    const lats = points.map((p) => p.lat);
    mapRef.current?.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 80, maxZoom: 14, duration: 800 },
    );
  };

  const onSearch = async (event: FormEvent) => {
    event.preventDefault();
    const query = search.trim();
    setSearchMessage(null);
    if (/^0x[0-9a-fA-F]{40}$/.test(query)) {
      try {
        const detail = await apiFetch<{ device: MapDevice }>(`/api/map/detail?device=${query}`);
        const at = detail.device.exact ?? { lat: detail.device.lat, lon: detail.device.lon };
        mapRef.current?.flyTo({ center: [at.lon, at.lat], zoom: 13 });
        update({ selection: `d:${detail.device.address}` });
      } catch (error) {
        setSearchMessage(error instanceof Error ? error.message : "Device not found.");
      }
      return;
    }
    const [city] = searchCities(query, 1);
    if (city) mapRef.current?.flyTo({ center: [city.lon, city.lat], zoom: 10 });
    else setSearchMessage("No device or place matches. Enter a device address (0x…) or a major city.");
  };

  const legendStops = rampStops(state.metric);
  const metricInfo = METRICS[state.metric];
  const empty = data && (data.kind === "hexagons" ? data.features.length === 0 : data.devices.length === 0);

  return (
    <div className="map-shell" data-testid="sensor-map">
      <section className="map-controls" aria-label="Map controls">
        <form onSubmit={onSearch} role="search" className="map-search">
          <label htmlFor="map-search">Search a device or place</label>
          <div className="map-row">
            <input id="map-search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="0x… or Berlin" list="map-cities" autoComplete="off" />
            <button type="submit">Go</button>
          </div>
          <datalist id="map-cities">
            {MAJOR_CITIES.map((city) => (
              <option key={city.name} value={city.name} />
            ))}
          </datalist>
          {searchMessage && (
            <p role="status" className="map-message">
              {searchMessage}
            </p>
          )}
        </form>
        <label>
          Metric
          <select value={state.metric} onChange={(e) => update({ metric: e.target.value as MetricKey })} data-testid="map-metric">
            {METRIC_KEYS.map((key) => (
              <option key={key} value={key}>
                {METRICS[key].label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="map-segmented">
          <legend>Time window</legend>
          {WINDOW_KEYS.map((key) => (
            <label key={key}>
              <input type="radio" name="map-window" value={key} checked={state.window === key} onChange={() => update({ window: key, frame: null })} />
              {WINDOW_LABELS[key]}
            </label>
          ))}
        </fieldset>
        <PlaybackControl window={state.window} frame={state.frame} onFrame={onFrame} />
        <fieldset className="map-segmented">
          <legend>Layer</legend>
          {(["hexagons", "heatmap"] as LayerMode[]).map((mode) => (
            <label key={mode}>
              <input type="radio" name="map-mode" value={mode} checked={state.mode === mode} onChange={() => update({ mode })} />
              {mode === "hexagons" ? "Hexagons" : "Heatmap"}
            </label>
          ))}
        </fieldset>
        <label>
          Project
          <select value={state.project ?? ""} onChange={(e) => update({ project: e.target.value || null })}>
            <option value="">All projects</option>
            {projects.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="map-check">
          <input type="checkbox" checked={state.earn} onChange={(e) => update({ earn: e.target.checked })} />
          Earn more here (under-served cells)
        </label>
        <label className="map-check">
          <input type="checkbox" checked={state.wanted} onChange={(e) => update({ wanted: e.target.checked })} />
          Where data is wanted (open requests)
        </label>
        {state.wanted && (
          <div className="map-legend" data-testid="wanted-legend" aria-label="Legend: open marketplace requests per hexagon">
            <div className="map-legend-title">Open data requests per hexagon</div>
            <ul className="map-legend-status">
              {WANTED_STOPS.map(([count, color], i) => (
                <li key={count}>
                  <span className="map-status-dot" style={{ background: color }} aria-hidden="true" />
                  {i === WANTED_STOPS.length - 1 ? `${count}+` : String(count)}
                </li>
              ))}
            </ul>
            <p className="muted">
              {wanted.data ? `${wanted.data.features.length} hexagon(s) with open requests` : wanted.isError ? "Requests could not be loaded" : "Loading requests…"}
            </p>
          </div>
        )}
        {mine.data && mine.data.devices.length > 0 && (
          <button type="button" onClick={fitToMine}>
            Fit to my devices ({mine.data.devices.length})
          </button>
        )}
        <div className="map-legend" aria-label={`Legend: ${metricInfo.label} in ${metricInfo.unit}`}>
          <div className="map-legend-title">
            {metricInfo.label} ({metricInfo.unit})
          </div>
          <div className="map-legend-bar" style={{ background: `linear-gradient(to right, ${legendStops.map(([, c]) => c).join(", ")})` }} />
          <div className="map-legend-scale">
            <span>{legendStops[0]![0]}</span>
            <span>{legendStops[2]![0]}</span>
            <span>{legendStops[4]![0]}+</span>
          </div>
          {deviceZoom && (
            <ul className="map-legend-status">
              {(Object.keys(STATUS_COLOURS) as Array<keyof typeof STATUS_COLOURS>).map((status) => (
                <li key={status}>
                  <span className="map-status-dot" style={{ background: STATUS_COLOURS[status] }} aria-hidden="true" /> {status}
                </li>
              ))}
              <li className="muted">Larger dot = higher quality</li>
            </ul>
          )}
        </div>
        <p className="map-message" role="status" data-testid="map-status">
          {viewport.isError
            ? `Could not load the map data: ${viewport.error.message}`
            : viewport.isFetching
              ? "Loading…"
              : empty
                ? `No devices reported here in the ${WINDOW_LABELS[state.window].toLowerCase()}.`
                : data?.kind === "hexagons"
                  ? `${data.features.length} hexagon(s), ${data.features.reduce((n, f) => n + f.properties.devices, 0)} device(s)`
                  : data?.kind === "devices"
                    ? `${data.devices.length} device(s)${data.truncated ? " (zoom in for all)" : ""}`
                    : ""}
        </p>
      </section>
      <div className="map-canvas">
        {mapStyle && (
          <MapView
            ref={mapRef}
            mapLib={loadMapLibrary()}
            initialViewState={{ latitude: state.lat, longitude: state.lon, zoom: state.zoom }}
            mapStyle={mapStyle}
            onLoad={() => mapRef.current && setBounds(boundsOf(mapRef.current))}
            onMoveEnd={onMoveEnd}
            onClick={onClick}
            interactiveLayerIds={["hex-fill", "device-points", "device-clusters"]}
            attributionControl={{ compact: true }}
            style={{ width: "100%", height: "100%" }}
          >
            <NavigationControl position="top-right" />
            {state.earn && demand.data && (
              <Source id="demand" type="geojson" data={{ type: "FeatureCollection", features: demand.data.features }}>
                <Layer id="demand-line" type="line" paint={{ "line-color": "#e66101", "line-width": 2, "line-dasharray": [2, 2] }} />
              </Source>
            )}
            {state.wanted && wanted.data && (
              <Source id="wanted" type="geojson" data={{ type: "FeatureCollection", features: wanted.data.features }}>
                <Layer id="wanted-fill" type="fill" paint={{ "fill-color": wantedExpression, "fill-opacity": 0.35 }} />
                <Layer id="wanted-line" type="line" paint={{ "line-color": "#5e3c99", "line-width": 1.5 }} />
              </Source>
            )}
            {hexagons && state.mode === "hexagons" && (
              <Source id="hexagons" type="geojson" data={hexagons}>
                <Layer id="hex-fill" type="fill" paint={{ "fill-color": rampExpression(state.metric), "fill-opacity": 0.6 }} />
                <Layer id="hex-line" type="line" paint={{ "line-color": theme === "dark" ? "#d0d0d0" : "#333333", "line-width": 0.5, "line-opacity": 0.5 }} />
              </Source>
            )}
            {hexagons && state.mode === "heatmap" && heatPoints && (
              <>
                <Source id="hexagons" type="geojson" data={hexagons}>
                  <Layer id="hex-fill" type="fill" paint={{ "fill-color": "#000000", "fill-opacity": 0 }} />
                </Source>
                <Source id="heat" type="geojson" data={heatPoints}>
                  <Layer
                    id="heat"
                    type="heatmap"
                    paint={{
                      "heatmap-weight": ["get", "weight"],
                      "heatmap-radius": ["interpolate", ["linear"], ["zoom"], 0, 12, 9, 40],
                      "heatmap-opacity": 0.8,
                      "heatmap-color": ["interpolate", ["linear"], ["heatmap-density"], 0, "rgba(68,1,84,0)", 0.2, "#3b528b", 0.4, "#21918c", 0.7, "#5ec962", 1, "#fde725"],
                    }}
                  />
                </Source>
              </>
            )}
            {devices && (
              <Source id="devices" type="geojson" data={devicesCollection(devices)} cluster clusterRadius={40} clusterMaxZoom={14}>
                <Layer id="device-clusters" type="circle" filter={["has", "point_count"]} paint={{ "circle-color": "#3b528b", "circle-radius": ["step", ["get", "point_count"], 14, 20, 18, 100, 24], "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 }} />
                <Layer
                  id="device-points"
                  type="circle"
                  filter={["!", ["has", "point_count"]]}
                  paint={{
                    "circle-color": ["match", ["get", "status"], "online", STATUS_COLOURS.online, "stale", STATUS_COLOURS.stale, STATUS_COLOURS.offline],
                    "circle-radius": ["interpolate", ["linear"], ["get", "quality"], 0, 4, 100, 10],
                    "circle-stroke-color": "#ffffff",
                    "circle-stroke-width": 1.5,
                  }}
                />
              </Source>
            )}
            {myTracks && (
              <Source id="my-tracks" type="geojson" data={myTracks}>
                <Layer id="my-tracks" type="line" paint={{ "line-color": "#e66101", "line-width": 2 }} />
              </Source>
            )}
            {myExact && (
              <Source id="my-devices" type="geojson" data={myExact}>
                <Layer id="my-devices" type="circle" paint={{ "circle-color": "rgba(0,0,0,0)", "circle-radius": 9, "circle-stroke-color": "#e66101", "circle-stroke-width": 2.5 }} />
              </Source>
            )}
            {!config.mapStyleUrl &&
              MAJOR_CITIES.map((city) => (
                <Marker key={city.name} longitude={city.lon} latitude={city.lat} anchor="left">
                  <span className="map-city-label">{city.name}</span>
                </Marker>
              ))}
          </MapView>
        )}
      </div>
      {state.selection && (
        <SidePanel
          selection={state.selection}
          metric={state.metric}
          window={state.window}
          project={state.project}
          onClose={() => update({ selection: null })}
          onSelect={(selection) => update({ selection })}
        />
      )}
    </div>
  );
}
