"use client";

import "maplibre-gl/dist/maplibre-gl.css";
import type { FeatureCollection } from "geojson";
import { useMemo, useSyncExternalStore } from "react";
import MapView, { Layer, NavigationControl, Source } from "react-map-gl/maplibre";
import { usePublicConfig } from "@/components/public-config-context";
import { useTheme } from "@/components/theme";
import { loadMapLibrary } from "@/components/map/sensor-map";
import type { FleetMapData } from "@/lib/admin/fleet-map";
import { STATUS_COLOURS } from "@/lib/map/ramp";
import { basemapStyle } from "@/lib/map/style";

const noSubscription = () => () => {};

/** The project's devices on the offline basemap, clustered, coloured by status; fitted to the fleet. */
export function FleetMap({ data }: { data: FleetMapData }) {
  const config = usePublicConfig();
  const theme = useTheme();
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => null);
  const mapStyle = useMemo(() => config.mapStyleUrl ?? (origin ? basemapStyle(theme, origin) : null), [config.mapStyleUrl, origin, theme]);
  const collection = useMemo<FeatureCollection>(
    () => ({
      type: "FeatureCollection",
      features: data.points.map(([lon, lat, status, quality]) => ({ type: "Feature", properties: { status, quality: quality < 0 ? 50 : quality }, geometry: { type: "Point", coordinates: [lon, lat] } })),
    }),
    [data.points],
  );
  const bounds = useMemo(() => {
    if (data.points.length === 0) return null;
    const lons = data.points.map((p) => p[0]);
    const lats = data.points.map((p) => p[1]);
    const pad = 0.02;
    return [Math.min(...lons) - pad, Math.min(...lats) - pad, Math.max(...lons) + pad, Math.max(...lats) + pad] as [number, number, number, number];
  }, [data.points]);
  const counts = data.points.reduce<Record<string, number>>((acc, [, , status]) => ({ ...acc, [status]: (acc[status] ?? 0) + 1 }), {});
  const summary =
    data.located === 0
      ? "No device has reported a position yet."
      : `${data.located} devices with a position${data.located > data.points.length ? ` (the ${data.points.length} seen most recently are drawn)` : ""}: ${counts.online ?? 0} online, ${counts.stale ?? 0} stale, ${counts.offline ?? 0} offline. ${data.exact ? "Exact positions (you administer this project)." : "Public cell centres."}`;
  return (
    <figure className="fleet-map" data-testid="fleet-map" data-points={data.points.length}>
      {bounds && mapStyle && (
        <div style={{ height: 420 }}>
          <MapView mapLib={loadMapLibrary()} initialViewState={{ bounds, fitBoundsOptions: { maxZoom: 14 } }} mapStyle={mapStyle} attributionControl={{ compact: true }} style={{ width: "100%", height: "100%" }}>
            <NavigationControl position="top-right" />
            <Source id="fleet" type="geojson" data={collection} cluster clusterRadius={40} clusterMaxZoom={14}>
              <Layer id="fleet-clusters" type="circle" filter={["has", "point_count"]} paint={{ "circle-color": "#3b528b", "circle-radius": ["step", ["get", "point_count"], 14, 20, 18, 100, 24], "circle-stroke-color": "#ffffff", "circle-stroke-width": 1.5 }} />
              <Layer
                id="fleet-points"
                type="circle"
                filter={["!", ["has", "point_count"]]}
                paint={{
                  "circle-color": ["match", ["get", "status"], "online", STATUS_COLOURS.online, "stale", STATUS_COLOURS.stale, STATUS_COLOURS.offline],
                  "circle-radius": ["interpolate", ["linear"], ["get", "quality"], 0, 4, 100, 9],
                  "circle-stroke-color": "#ffffff",
                  "circle-stroke-width": 1.5,
                }}
              />
            </Source>
          </MapView>
        </div>
      )}
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
