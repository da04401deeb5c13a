"use client";

import "maplibre-gl/dist/maplibre-gl.css";
import type { StyleSpecification } from "maplibre-gl";
import { useMemo, useState, useSyncExternalStore } from "react";
import MapView, { Layer, NavigationControl, Source, type MapLayerMouseEvent } from "react-map-gl/maplibre";
import { loadMapLibrary } from "@/components/map/sensor-map";
import { usePublicConfig } from "@/components/public-config-context";
import { useTheme } from "@/components/theme";
import { searchCities } from "@/lib/map/cities";
import { basemapStyle } from "@/lib/map/style";
import { cellAt, cellPolygons, toggleCell } from "@/lib/market/cell-geometry";

const noSubscription = () => () => {};

/**
 * The area of a request as resolution-7 H3 cells: click a cell on the map to
 * add or remove it. Keyboard users (and anyone with cells at hand) use the
 * place search, which adds the place's cell, or type cells in the form's
 * cell field; both edit the same list.
 */
export function CellPicker({ cells, onChange, center = { lat: 52.52, lon: 13.405 } }: { cells: string[]; onChange: (cells: string[]) => void; center?: { lat: number; lon: number } }) {
  const config = usePublicConfig();
  const theme = useTheme();
  const origin = useSyncExternalStore(noSubscription, () => window.location.origin, () => null);
  const mapStyle = useMemo<string | StyleSpecification | null>(() => config.mapStyleUrl ?? (origin ? basemapStyle(theme, origin) : null), [config.mapStyleUrl, origin, theme]);
  const [place, setPlace] = useState("");
  const [placeMessage, setPlaceMessage] = useState<string | null>(null);
  const [view, setView] = useState({ latitude: center.lat, longitude: center.lon, zoom: 10 });
  const picked = useMemo(() => cellPolygons(cells), [cells]);

  function onClick(event: MapLayerMouseEvent) {
    onChange(toggleCell(cells, cellAt(event.lngLat.lat, event.lngLat.lng)));
  }

  function addPlace() {
    const [city] = searchCities(place, 1);
    if (!city) {
      setPlaceMessage(`No place called “${place}” in the offline list; click the map or type cells instead.`);
      return;
    }
    const cell = cellAt(city.lat, city.lon);
    if (!cells.includes(cell)) onChange(toggleCell(cells, cell));
    setView({ latitude: city.lat, longitude: city.lon, zoom: 10 });
    setPlaceMessage(`Added the cell at the centre of ${city.name}, ${city.country}.`);
  }

  return (
    <div data-testid="cell-picker">
      <div className="cell-picker" aria-label="Map: click cells to add or remove them" role="application">
        {mapStyle && (
          <MapView
            mapLib={loadMapLibrary()}
            {...view}
            onMove={(event) => setView(event.viewState)}
            mapStyle={mapStyle}
            onClick={onClick}
            cursor="crosshair"
            attributionControl={{ compact: true }}
            style={{ width: "100%", height: "100%" }}
          >
            <NavigationControl position="top-right" />
            <Source id="picked-cells" type="geojson" data={picked}>
              <Layer id="picked-fill" type="fill" paint={{ "fill-color": "#e66101", "fill-opacity": 0.35 }} />
              <Layer id="picked-line" type="line" paint={{ "line-color": "#e66101", "line-width": 1.5 }} />
            </Source>
          </MapView>
        )}
      </div>
      <p className="muted" data-testid="picked-count">
        {cells.length} cell{cells.length === 1 ? "" : "s"} picked (each about 5 km²).
      </p>
      <label>
        Add a place{" "}
        <input
          value={place}
          onChange={(event) => setPlace(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter") {
              event.preventDefault();
              addPlace();
            }
          }}
          placeholder="Berlin"
        />
      </label>{" "}
      <button type="button" onClick={addPlace}>
        Add its cell
      </button>
      {placeMessage && <p role="status">{placeMessage}</p>}
    </div>
  );
}
