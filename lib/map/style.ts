/**
 * The offline basemap's MapLibre style: Natural Earth land, borders and
 * coastlines served from public/basemap (scripts/build-basemap.ts). No glyphs
 * or sprites: nothing on the canvas needs a font server, city names are HTML
 * markers drawn by the page. Client-safe (pure data).
 */
import type { StyleSpecification } from "maplibre-gl";

export type MapTheme = "light" | "dark";

interface Palette {
  water: string;
  land: string;
  coast: string;
  border: string;
}

const PALETTES: Record<MapTheme, Palette> = {
  light: { water: "#dfe9f3", land: "#f7f6f2", coast: "#9fb3c8", border: "#c3c0b8" },
  dark: { water: "#0e1621", land: "#1c2430", coast: "#3b4d63", border: "#3a4250" },
};

/** Zoom at which the 50m data replaces the 110m data. */
export const DETAIL_ZOOM = 3;

/** `origin` makes the data URLs absolute: MapLibre fetches them from its web worker. */
export function basemapStyle(theme: MapTheme, origin: string): StyleSpecification {
  const palette = PALETTES[theme];
  const source = (name: string) => ({ type: "geojson" as const, data: `${origin}/basemap/${name}.json`, attribution: "Natural Earth (public domain)" });
  return {
    version: 8,
    name: `DePIN Hub offline ${theme}`,
    sources: {
      "land-110m": source("land-110m"),
      "land-50m": source("land-50m"),
      "borders-110m": source("borders-110m"),
      "borders-50m": source("borders-50m"),
    },
    layers: [
      { id: "water", type: "background", paint: { "background-color": palette.water } },
      { id: "land-110m", type: "fill", source: "land-110m", maxzoom: DETAIL_ZOOM, paint: { "fill-color": palette.land } },
      { id: "land-50m", type: "fill", source: "land-50m", minzoom: DETAIL_ZOOM, paint: { "fill-color": palette.land } },
      { id: "coast-110m", type: "line", source: "land-110m", maxzoom: DETAIL_ZOOM, paint: { "line-color": palette.coast, "line-width": 0.6 } },
      { id: "coast-50m", type: "line", source: "land-50m", minzoom: DETAIL_ZOOM, paint: { "line-color": palette.coast, "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.6, 10, 1.5] } },
      { id: "borders-110m", type: "line", source: "borders-110m", maxzoom: DETAIL_ZOOM, paint: { "line-color": palette.border, "line-width": 0.5, "line-dasharray": [3, 2] } },
      { id: "borders-50m", type: "line", source: "borders-50m", minzoom: DETAIL_ZOOM, paint: { "line-color": palette.border, "line-width": ["interpolate", ["linear"], ["zoom"], 3, 0.5, 10, 1.2], "line-dasharray": [3, 2] } },
    ],
  };
}
