"use client";

import "maplibre-gl/dist/maplibre-gl.css";
import type { StyleSpecification } from "maplibre-gl";
import { useRouter } from "next/navigation";
import { useMemo, useSyncExternalStore } from "react";
import MapView, { Layer, NavigationControl, Source, type MapLayerMouseEvent } from "react-map-gl/maplibre";
import { cellToLatLng } from "h3-js";
import { loadMapLibrary } from "@/components/map/sensor-map";
import { usePublicConfig } from "@/components/public-config-context";
import { useTheme } from "@/components/theme";
import { basemapStyle } from "@/lib/map/style";
import { cellPolygons } from "@/lib/market/cell-geometry";

export interface MapListing {
  id: string;
  title: string;
  cells: string[];
}

const noSubscription = () => () => {};

/**
 * The listings of the current page on the map: each listing's area as H3
 * cells; clicking a cell opens its listing. The table beside it is the
 * keyboard and screen-reader view of the same listings.
 */
export function ListingsMap({ listings }: { listings: MapListing[] }) {
  const config = usePublicConfig();
  const theme = useTheme();
  const router = useRouter();
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => null);
  const mapStyle = useMemo<string | StyleSpecification | null>(() => config.mapStyleUrl ?? (origin ? basemapStyle(theme, origin) : null), [config.mapStyleUrl, origin, theme]);
  const areas = useMemo(() => {
    const features = listings.flatMap((listing) => cellPolygons(listing.cells, () => ({ id: listing.id, title: listing.title })).features);
    return { type: "FeatureCollection" as const, features };
  }, [listings]);
  const center = useMemo(() => {
    const cells = listings.flatMap((listing) => listing.cells);
    if (cells.length === 0) return { latitude: 30, longitude: 10, zoom: 1.5 };
    const points = cells.map((cell) => cellToLatLng(cell));
    const lat = points.reduce((sum, [a]) => sum + a, 0) / points.length;
    const lon = points.reduce((sum, [, b]) => sum + b, 0) / points.length;
    return { latitude: lat, longitude: lon, zoom: cells.length === 1 ? 9 : 3 };
  }, [listings]);

  function onClick(event: MapLayerMouseEvent) {
    const id = event.features?.[0]?.properties?.id;
    if (typeof id === "string") router.push(`/market/listings/${id}`);
  }

  return (
    <div className="market-map" data-testid="market-map" role="region" aria-label={`Map of the areas of ${listings.length} listing(s)`}>
      {mapStyle && (
        <MapView
          mapLib={loadMapLibrary()}
          initialViewState={center}
          mapStyle={mapStyle}
          onClick={onClick}
          interactiveLayerIds={["listing-areas"]}
          attributionControl={{ compact: true }}
          style={{ width: "100%", height: "100%" }}
        >
          <NavigationControl position="top-right" />
          <Source id="listings" type="geojson" data={areas}>
            <Layer id="listing-areas" type="fill" paint={{ "fill-color": "#3b528b", "fill-opacity": 0.45 }} />
            <Layer id="listing-lines" type="line" paint={{ "line-color": "#3b528b", "line-width": 1 }} />
          </Source>
        </MapView>
      )}
    </div>
  );
}
