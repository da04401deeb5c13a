/**
 * Sensor map performance with a large fleet: seeds --devices synthetic devices
 * (clustered around the world's major cities) with one recent reading each
 * into a throwaway embedded PostgreSQL, folds them into map_device with the
 * worker's job, then measures the viewport query (lib/map/viewport, what
 * /api/map/viewport runs) at world, city and street zoom, and the /map page
 * load in Chromium when a production build exists (.next/BUILD_ID, made by
 * `npm start` or `npm test`). Prints figures only; asserts nothing.
 *
 *   npm run bench:map [-- --devices 100000 --runs 60]
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { createDbClient } from "../lib/db/create-client";
import { createTemporaryDatabase, findFreePort, startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { MAJOR_CITIES } from "../lib/map/cities";
import { refreshMapDevices } from "../lib/map/refresh";
import { hexagonsFromDevices, queryViewport } from "../lib/map/viewport";
import { DEVICE_ZOOM, resolutionForZoom, viewportQuerySchema } from "../lib/map/viewport-params";

const { values } = parseArgs({
  options: {
    devices: { type: "string", default: "100000" },
    runs: { type: "string", default: "60" },
    "page-runs": { type: "string", default: "5" },
  },
});
const DEVICES = Number(values.devices);
const RUNS = Number(values.runs);
const PAGE_RUNS = Number(values["page-runs"]);

/** Deterministic pseudo-random numbers, so every run seeds the same fleet. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function summary(samples: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! };
}

async function seed(url: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const next = random(42);
    const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
    await client.query(`INSERT INTO "Project" ("chainId", slug, name, "adminAddress") VALUES (31337, 'bench', 'Bench fleet', '0x0000000000000000000000000000000000000001')`);
    const chunk = 10_000;
    for (let start = 0; start < DEVICES; start += chunk) {
      const count = Math.min(chunk, DEVICES - start);
      const addresses: Buffer[] = [];
      const lats: number[] = [];
      const lons: number[] = [];
      const pm25: number[] = [];
      for (let i = 0; i < count; i++) {
        const address = Buffer.alloc(20);
        address.writeUInt32BE(start + i + 1, 16);
        addresses.push(address);
        const city = MAJOR_CITIES[Math.floor(next() * MAJOR_CITIES.length)]!;
        // ~15 km spread around the city centre, a tenth of devices further out (~150 km).
        const spread = next() < 0.1 ? 1.5 : 0.15;
        lats.push(Math.round(Math.max(-85, Math.min(85, city.lat + gauss() * spread)) * 1e6));
        lons.push(Math.round((((city.lon + gauss() * spread + 540) % 360) - 180) * 1e6));
        pm25.push(Math.round(50 + next() * 600));
      }
      await client.query(
        `INSERT INTO "Device" (address, "projectId", model) SELECT '0x' || encode(a, 'hex'), (SELECT id FROM "Project" WHERE slug = 'bench'), 'bench' FROM unnest($1::bytea[]) a`,
        [addresses],
      );
      // Readings received in the last ten minutes; signatures are placeholders (nothing verifies them here).
      await client.query(
        `INSERT INTO ingest.telemetry (device, sequence, measured_at, received_at, transport, digest, encoded, signature, lat_e6, lon_e6, pm25_deci_ug_m3, temperature_centi_c, humidity_centi_pct)
         SELECT a, 1, now() - (random() * interval '10 minutes'), now(), 'http', '\\x00', '\\x00', '\\x00', lat, lon, pm, (1500 + random() * 1000)::int, (4000 + random() * 3000)::int
         FROM unnest($1::bytea[], $2::int4[], $3::int4[], $4::int4[]) AS u(a, lat, lon, pm)`,
        [addresses, lats, lons, pm25],
      );
      await client.query(
        `INSERT INTO ingest.device_state (device, last_sequence, last_measured_at, last_seen_at, message_count)
         SELECT device, 1, measured_at, received_at, 1 FROM ingest.telemetry WHERE device = ANY($1::bytea[])`,
        [addresses],
      );
    }
  } finally {
    await client.end();
  }
}

const loadAverage = (): string => loadavg().map((value) => value.toFixed(2)).join(" / ");

/** Runs the worker's refresh until nothing is pending; devices folded and seconds taken. */
async function foldAll(db: ReturnType<typeof createDbClient>): Promise<{ devices: number; seconds: number }> {
  const started = performance.now();
  let devices = 0;
  for (;;) {
    const result = await refreshMapDevices(db, { qualities: false });
    if (result.status !== "done" || result.devices === 0) break;
    devices += result.devices;
  }
  return { devices, seconds: (performance.now() - started) / 1000 };
}

/** Every device sends one more reading from where it is, as ingest would store it (batches of 10k). */
async function reportAgain(url: string): Promise<void> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let start = 0; start < DEVICES; start += 10_000) {
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO ingest.telemetry (device, sequence, measured_at, received_at, transport, digest, encoded, signature, lat_e6, lon_e6, pm25_deci_ug_m3, temperature_centi_c, humidity_centi_pct)
         SELECT t.device, 2, now(), now(), 'http', '\\x00', '\\x00', '\\x00', t.lat_e6, t.lon_e6, (50 + random() * 600)::int, (1500 + random() * 1000)::int, (4000 + random() * 3000)::int
         FROM ingest.telemetry t WHERE t.sequence = 1 AND t.device IN (SELECT device FROM ingest.device_state ORDER BY device OFFSET $1 LIMIT 10000)`,
        [start],
      );
      await client.query(
        `UPDATE ingest.device_state s SET last_sequence = 2, last_measured_at = now(), last_seen_at = now(), message_count = message_count + 1,
                changed_xid = pg_current_xact_id()
         WHERE s.device IN (SELECT device FROM ingest.device_state ORDER BY device OFFSET $1 LIMIT 10000)`,
        [start],
      );
      await client.query("COMMIT");
    }
  } finally {
    await client.end();
  }
}

const VIEWS = [
  { name: "world", raw: { west: "-180", south: "-85", east: "180", north: "85", zoom: "1.5" } },
  { name: "continent", raw: { west: "-15", south: "33", east: "35", north: "62", zoom: "4" } },
  { name: "city", raw: { west: "12.9", south: "52.3", east: "13.9", north: "52.7", zoom: "8" } },
  { name: "street", raw: { west: "13.36", south: "52.5", east: "13.44", north: "52.54", zoom: "13" } },
] as const;

async function measurePageLoad(url: string): Promise<number[] | string> {
  if (PAGE_RUNS === 0) return "skipped (--page-runs 0)";
  if (!existsSync(".next/BUILD_ID")) return "skipped: no production build (.next/BUILD_ID); run `npm start` once";
  // PORT pins the app's port (machines where ports are assigned); otherwise any free one.
  const port = process.env.PORT ? Number(process.env.PORT) : await findFreePort();
  const server = spawn("node_modules/.bin/next", ["start", "-p", String(port)], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(port), APP_URL: `http://localhost:${port}`, DEPLOYMENTS_FILE: "/nonexistent-deployments.json" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const samples: number[] = [];
  try {
    const base = `http://localhost:${port}`;
    for (let i = 0; i < 120; i++) {
      if (await fetch(`${base}/api/map/style`).then((r) => r.ok, () => false)) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const browser = await chromium.launch({
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      for (let run = 0; run <= PAGE_RUNS; run++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const started = performance.now();
        await page.goto(`${base}/map`);
        await page.getByTestId("map-status").filter({ hasText: /hexagon/ }).waitFor({ timeout: 60_000 });
        await page.locator(".maplibregl-canvas").waitFor();
        // The first run warms Next's caches and the browser's HTTP cache is per page: keep the rest.
        if (run > 0) samples.push(performance.now() - started);
        await page.close();
      }
    } finally {
      await browser.close();
    }
  } finally {
    server.kill("SIGTERM");
  }
  return samples;
}

async function main(): Promise<void> {
  console.log(`bench:map: ${DEVICES} devices, ${RUNS} runs per view`);
  const server = await startEphemeralPostgres({ log: () => undefined });
  const database = await createTemporaryDatabase(server.url, "bench_map");
  const db = createDbClient(database.url);
  try {
    await applyMigrations(database.url);
    let started = performance.now();
    await seed(database.url);
    console.log(`seeded ${DEVICES} devices with readings in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const firstFold = await foldAll(db);
    console.log(`map job, first fold (new devices, H3 cells computed): ${firstFold.devices} devices in ${firstFold.seconds.toFixed(1)} s (${Math.round(firstFold.devices / firstFold.seconds)} devices/s)`);
    await db.$executeRawUnsafe("ANALYZE map_device");
    await db.$executeRawUnsafe("ANALYZE map_cell");
    started = performance.now();
    await reportAgain(database.url);
    console.log(`every device reported again (same position, new readings) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const steady = await foldAll(db);
    console.log(`map job, steady state (devices that did not move): ${steady.devices} devices in ${steady.seconds.toFixed(1)} s (${Math.round(steady.devices / steady.seconds)} devices/s; 100k devices reporting once a minute need 1,667/s)`);
    const [cells] = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM map_cell`;
    console.log(`map_cell rollup: ${cells?.n} rows for ${DEVICES} devices (6 resolutions × projects × age bands)`);

    const rows: Array<Record<string, string | number>> = [];
    const directRows: Array<Record<string, string | number>> = [];
    for (const view of VIEWS) {
      // As the worker does every tick: the rollup's bands stay fresh, so the viewport reads map_cell.
      await refreshMapDevices(db, { qualities: false });
      for (const metric of ["pm25", "density"] as const) {
        const query = viewportQuerySchema.parse({ ...view.raw, metric });
        if (query.zoom < DEVICE_ZOOM) {
          // For comparison: the same hexagons grouped from map_device directly (the path before the rollup).
          const resolution = resolutionForZoom(query.zoom);
          const direct: number[] = [];
          for (let i = 0; i < Math.min(RUNS, 20); i++) {
            const t0 = performance.now();
            await hexagonsFromDevices(db, query, resolution, new Date());
            direct.push(performance.now() - t0);
          }
          const { p50, p95 } = summary(direct);
          directRows.push({ view: view.name, metric, "direct p50 ms": p50.toFixed(1), "direct p95 ms": p95.toFixed(1) });
        }
        let size = 0;
        let items = 0;
        for (let i = 0; i < 5; i++) await queryViewport(db, query, null);
        const samples: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          const response = await queryViewport(db, query, null);
          // Serialising is part of what the route does per request.
          size = JSON.stringify(response).length;
          samples.push(performance.now() - t0);
          items = response.kind === "hexagons" ? response.features.length : response.devices.length;
        }
        const { p50, p95, max } = summary(samples);
        rows.push({ view: view.name, zoom: query.zoom, metric, items, "KiB": Math.round(size / 1024), "p50 ms": p50.toFixed(1), "p95 ms": p95.toFixed(1), "max ms": max.toFixed(1) });
      }
    }
    console.log(`viewport (lib/map/viewport queryViewport: map_cell rollup below zoom ${DEVICE_ZOOM}, devices from zoom ${DEVICE_ZOOM}), load ${loadAverage()}`);
    console.table(rows);
    console.log("hexagons grouped from map_device directly (fallback path, for comparison):");
    console.table(directRows);

    const page = await measurePageLoad(database.url);
    if (typeof page === "string") console.log(`/map page load: ${page}`);
    else {
      const { p50, p95, max } = summary(page);
      console.log(`/map page load in Chromium (navigation to hexagons drawn, ${page.length} runs): p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms`);
    }
  } finally {
    await db.$disconnect();
    await database.drop().catch(() => undefined);
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
