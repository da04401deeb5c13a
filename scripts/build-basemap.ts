/**
 * Writes the offline basemap (public/basemap/*.json) from world-atlas
 * (Natural Earth, public domain): land polygons, country borders as lines
 * (shared arcs only, so no border is drawn twice) at 110m for
 * the world view and 50m for closer zooms. Coordinates are rounded to what the
 * zoom level can show, which keeps the files small. Run after upgrading
 * world-atlas: `npm run map:basemap`; the output is committed.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { feature, mesh } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { MAJOR_CITIES } from "../lib/map/cities";

const require = createRequire(import.meta.url);
const outDir = join(process.cwd(), "public", "basemap");

function topology(name: string): Topology {
  return JSON.parse(readFileSync(require.resolve(`world-atlas/${name}`), "utf8")) as Topology;
}

/** Rounds every coordinate to `digits` decimals (3 ≈ 110 m, plenty for a 1:50m source). */
function rounded(value: unknown, digits: number): unknown {
  if (typeof value === "number") return Number(value.toFixed(digits));
  if (Array.isArray(value)) return value.map((item) => rounded(item, digits));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rounded(item, digits)]));
  }
  return value;
}

function write(name: string, data: unknown, digits: number): void {
  const text = JSON.stringify(rounded(data, digits));
  writeFileSync(join(outDir, name), text);
  console.log(`${name}: ${(text.length / 1024).toFixed(0)} KiB`);
}

mkdirSync(outDir, { recursive: true });
for (const scale of ["110m", "50m"] as const) {
  const digits = scale === "110m" ? 2 : 3;
  const land = topology(`land-${scale}.json`);
  const countries = topology(`countries-${scale}.json`);
  const landObject = land.objects.land as GeometryCollection;
  const countriesObject = countries.objects.countries as GeometryCollection;
  write(`land-${scale}.json`, feature(land, landObject), digits);
  // Arcs shared by two different countries; coastlines are the land polygons' outline (style).
  write(`borders-${scale}.json`, mesh(countries, countriesObject, (a, b) => a !== b), digits);
}
write(
  "cities.json",
  {
    type: "FeatureCollection",
    features: MAJOR_CITIES.map((city) => ({
      type: "Feature",
      properties: { name: city.name, country: city.country },
      geometry: { type: "Point", coordinates: [city.lon, city.lat] },
    })),
  },
  3,
);
