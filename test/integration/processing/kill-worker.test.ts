import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import { createDbClient } from "../../../lib/db/create-client";
import { computeHour } from "../../../lib/processing";
import { readHourReadings } from "../../../lib/processing/read-hour";
import { startScript, type ChildScript } from "../ingest/child-script";
import { registerDevices, testPool, type TestDevice } from "../ingest/helpers";

/**
 * Kill the worker mid hourly-processing: the real worker process
 * (scripts/worker.ts) works through 20 unprocessed hours and is SIGKILLed
 * after four. No hour may be left half-written; the restarted worker resumes
 * (hours done before the kill are not redone) and the DeviceHour rows end up
 * equal to a clean computation of the same telemetry.
 */

const DEVICES = 8;
const HOURS = 20;
const PER_HOUR = 120; // one reading every 30 s
const KILL_AFTER_HOURS = 4;

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let devices: TestDevice[];
let worker: ChildScript | null = null;
const firstHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - (HOURS + 2) * HOUR_MS;
const hours = Array.from({ length: HOURS }, (_, i) => new Date(firstHour + i * HOUR_MS));

function startWorker(): ChildScript {
  return startScript("scripts/worker.ts", { DATABASE_URL: inject("databaseUrl"), WORKER_TICK_MS: "200" });
}

beforeAll(async () => {
  pool = testPool();
  devices = await registerDevices(DEVICES);
  // Arrived well before any computation (received_at), so hours computed before the
  // kill are not stale for the restarted worker: it must resume, not start over.
  await pool.query(
    `INSERT INTO ingest.telemetry (device, sequence, measured_at, received_at, transport, digest, encoded, signature,
                                   lat_e6, lon_e6, accuracy_cm, temperature_centi_c, pm25_deci_ug_m3, battery_pct)
     SELECT d.key, n, to_timestamp($2::float8 / 1000) + n * interval '30 seconds', now() - interval '10 minutes', 'mqtt',
            '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea,
            52500000 + d.i * 10000 + (n % 120) * 9, 13400000 + d.i * 10000 + (n % 120) * 15, 800,
            (1500 + 500 * sin(n / 30.0 + d.i))::smallint, ((n * 7 + d.i * 13) % 400)::int, (100 - n / 40)::smallint
       FROM unnest($1::bytea[]) WITH ORDINALITY AS d(key, i), generate_series(0, $3::int - 1) AS n`,
    [devices.map((d) => Buffer.from(d.address.slice(2), "hex")), firstHour, HOURS * PER_HOUR],
  );
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await pool.end();
  await db.$disconnect();
});

const mine = () => ({ device: { in: devices.map((d) => d.address) }, hourStart: { in: hours } });

async function rowsPerHour(): Promise<Map<number, number>> {
  const groups = await db.deviceHour.groupBy({ by: ["hourStart"], where: mine(), _count: { _all: true } });
  return new Map(groups.map((g) => [g.hourStart.getTime(), g._count._all]));
}

describe("worker killed mid hourly-processing", () => {
  it("leaves no hour half-written, resumes, and ends with the rows of a clean run", async () => {
    worker = startWorker();
    const progress = new RegExp(`(?:hourly-processing: \\S+ computed for \\d+ device\\(s\\)[\\s\\S]*){${KILL_AFTER_HOURS}}`);
    await worker.waitFor(progress);
    await worker.kill();

    const atKill = await rowsPerHour();
    expect(atKill.size).toBeGreaterThanOrEqual(KILL_AFTER_HOURS);
    expect(atKill.size).toBeLessThan(HOURS);
    // An hour is written in one transaction: all of its devices or none.
    expect([...atKill.values()].every((count) => count === DEVICES)).toBe(true);
    const before = await db.deviceHour.findMany({ where: mine(), select: { device: true, hourStart: true, computedAt: true } });

    worker = startWorker();
    await expect.poll(async () => [...(await rowsPerHour()).values()].filter((c) => c === DEVICES).length, { timeout: 120_000, interval: 500 }).toBe(HOURS);
    await worker.kill();
    worker = null;

    const after = await db.deviceHour.findMany({ where: mine(), orderBy: [{ hourStart: "asc" }, { device: "asc" }] });
    expect(after).toHaveLength(HOURS * DEVICES);
    // Resumed: what was committed before the kill was not computed again.
    const computedAt = new Map(after.map((row) => [`${row.device}@${row.hourStart.getTime()}`, row.computedAt.getTime()]));
    for (const row of before) expect(computedAt.get(`${row.device}@${row.hourStart.getTime()}`)).toBe(row.computedAt.getTime());

    // The clean run: the same pure computation over the same telemetry, in this process.
    const ours = new Set<string>(devices.map((d) => d.address));
    const clean = [];
    for (const hour of hours) {
      const readings = await db.$transaction((tx) => readHourReadings(tx, hour));
      clean.push(...computeHour(readings, hour).filter((row) => ours.has(row.device)));
    }
    const comparable = (rows: ReadonlyArray<{ device: string; hourStart: Date }>) =>
      rows
        .map((row) => {
          const { computedAt: _ignored, ...values } = row as typeof row & { computedAt?: Date };
          return JSON.parse(JSON.stringify(values)) as unknown;
        })
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(comparable(after)).toEqual(comparable(clean));
  }, 300_000);
});
