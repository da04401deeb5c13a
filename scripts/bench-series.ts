/**
 * Latency of the per-device series and track queries (lib/ingest/series.ts,
 * track.ts) on a telemetry table of about a million rows: --devices devices
 * reporting once a minute for 7 days, in daily partitions. Prints p50/p95 per
 * window over --runs calls; asserts nothing.
 *
 *   npm run bench:series [-- --devices 100 --runs 20]
 *
 * Uses a throwaway embedded PostgreSQL unless DATABASE_URL is set (then it
 * adds its rows there: never point it at a database you care about).
 */
import { parseArgs } from "node:util";
import { getAddress, type Address } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { createDbClient } from "../lib/db/create-client";
import { startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { deviceSeries } from "../lib/ingest/series";
import { SERIES_WINDOWS } from "../lib/ingest/series-query";
import { trackForViewer } from "../lib/ingest/track";

const { values } = parseArgs({
  options: { devices: { type: "string", default: "100" }, runs: { type: "string", default: "20" }, explain: { type: "boolean", default: false } },
});
const DEVICES = Number(values.devices);
const RUNS = Number(values.runs);
const MINUTES = 7 * 24 * 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timed(label: string, run: () => Promise<unknown>): Promise<void> {
  await run(); // warm-up: plan cache, buffers
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(22)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(ms, 95).toFixed(1).padStart(7)} ms`);
}

async function main(): Promise<void> {
  const ephemeral = process.env.DATABASE_URL ? undefined : await startEphemeralPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? ephemeral!.url;
  const db = createDbClient(databaseUrl);
  try {
    if (ephemeral) await applyMigrations(databaseUrl);
    const devices: Address[] = Array.from({ length: DEVICES }, () => getAddress(privateKeyToAddress(generatePrivateKey())));
    const now = Date.now();
    const first = now - MINUTES * 60_000;
    await db.$queryRaw`SELECT ingest.ensure_telemetry_partitions((${new Date(first).toISOString()}::timestamptz AT TIME ZONE 'UTC')::date, 10)`;
    const started = performance.now();
    await db.$executeRawUnsafe(
      `INSERT INTO ingest.telemetry (device, sequence, measured_at, transport, digest, encoded, signature,
                                     lat_e6, lon_e6, temperature_centi_c, humidity_centi_pct, pm25_deci_ug_m3, battery_pct)
       SELECT decode(substr(d.a, 3), 'hex'), n, to_timestamp($2::float8 / 1000) + n * interval '1 minute', 'mqtt',
              '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea,
              52500000 + (n % 1000) * 7, 13400000 + (n % 1000) * 11, (1500 + 800 * sin(n / 240.0))::smallint,
              (5000 + n % 3000)::int, (n * 13 % 900)::int, (100 - n / 110)::smallint
         FROM unnest($1::text[]) AS d(a), generate_series(0, ${MINUTES - 1}) AS n`,
      devices,
      first,
    );
    await db.$executeRawUnsafe("ANALYZE ingest.telemetry");
    const count = await db.$queryRaw<Array<{ n: bigint }>>`SELECT count(*) AS n FROM ingest.telemetry`;
    console.log(`${count[0]?.n ?? 0n} telemetry rows (${DEVICES} devices × ${MINUTES} minutes) inserted in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const device = devices[0] as Address;
    if (values.explain) {
      // The series query's own shape and parameter types (bytea, int, timestamptz text).
      const plan = await db.$queryRawUnsafe<Array<{ "QUERY PLAN": string }>>(
        `EXPLAIN (ANALYZE, BUFFERS) SELECT date_bin($2::int * interval '1 second', measured_at, timestamptz '1970-01-01 00:00:00+00') AS b, avg(pm25_deci_ug_m3)
           FROM ingest.telemetry WHERE device = $1 AND measured_at >= $3::timestamptz AND measured_at < $4::timestamptz GROUP BY b`,
        Buffer.from(device.slice(2), "hex"),
        5040,
        new Date(Date.now() - 7 * 86_400_000).toISOString(),
        new Date().toISOString(),
      );
      console.log(plan.map((row) => row["QUERY PLAN"]).join("\n"));
    }
    for (const window of SERIES_WINDOWS) {
      await timed(`series ${window} (all)`, () => deviceSeries(db, device, { window }));
      await timed(`series ${window} pm25`, () => deviceSeries(db, device, { window, metric: "pm25" }));
      await timed(`track ${window} (cells)`, () => trackForViewer(db, device, null, { window }));
    }
  } finally {
    await db.$disconnect();
    await ephemeral?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
