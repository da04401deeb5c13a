import type pg from "pg";
import { getAddress, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { deviceSeries } from "../../../lib/ingest/series";
import { bucketRange, bucketStart, SERIES_MAX_POINTS, TRACK_MAX_POINTS, type SeriesWindow } from "../../../lib/ingest/series-query";
import type { DeviceTrack } from "../../../lib/ingest/series-types";
import { trackForViewer } from "../../../lib/ingest/track";
import { registerDevices, testPool, type TestDevice } from "./helpers";

/**
 * Series and track read what ingest stored. Rows are written straight into
 * ingest.telemetry (days in the past are outside the ingest clock window);
 * expectations are recomputed here in plain TypeScript from the same rows.
 */

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let device: TestDevice;
let neighbour: TestDevice;
let owner: Address;
let admin: Address;
const stranger = getAddress("0x00000000000000000000000000000000000000bb");

// Not aligned to any bucket, so the first bucket of each window is partial.
const NOW = Date.parse("2026-11-20T12:00:07.250Z");

interface Row {
  at: number;
  temperatureCentiC: number;
  pm25DeciUgM3: number | null;
  latE6: number | null;
  lonE6: number | null;
}

/** Deterministic values (a linear congruential generator), so a failure reproduces. */
function rowsFor(seed: number, start: number, end: number, stepMs: number): Row[] {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31);
  const rows: Row[] = [];
  for (let at = start; at <= end; at += stepMs) {
    const hasPosition = next() % 4 !== 0;
    rows.push({
      at,
      temperatureCentiC: (next() % 6000) - 1000,
      pm25DeciUgM3: next() % 5 === 0 ? null : next() % 2000,
      latE6: hasPosition ? 52_500_000 + (next() % 100_000) : null,
      lonE6: hasPosition ? 13_400_000 + (next() % 100_000) : null,
    });
  }
  return rows;
}

async function insertRows(target: TestDevice, rows: readonly Row[]): Promise<void> {
  const key = Buffer.from(target.address.slice(2), "hex");
  const dummy = Buffer.alloc(32);
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await pool.query(
      `INSERT INTO ingest.telemetry (device, sequence, measured_at, transport, digest, encoded, signature, temperature_centi_c, pm25_deci_ug_m3, lat_e6, lon_e6)
       SELECT $1, s, m, 'http', $2, $2, $2, t, p, la, lo
         FROM unnest($3::numeric[], $4::timestamptz[], $5::smallint[], $6::int[], $7::int[], $8::int[]) AS u(s, m, t, p, la, lo)`,
      [
        key,
        dummy,
        chunk.map((_, j) => i + j + 1),
        chunk.map((r) => new Date(r.at).toISOString()),
        chunk.map((r) => r.temperatureCentiC),
        chunk.map((r) => r.pm25DeciUgM3),
        chunk.map((r) => r.latE6),
        chunk.map((r) => r.lonE6),
      ],
    );
  }
}

let rows: Row[];

beforeAll(async () => {
  pool = testPool();
  [device, neighbour] = (await registerDevices(2)) as [TestDevice, TestDevice];
  // Every 20 s over 8 days, and exactly at NOW (outside: the window's end is exclusive).
  rows = rowsFor(7, NOW - 8 * 86_400_000, NOW, 20_000);
  await insertRows(device, rows);
  // Another device's readings in the same time range must never mix in.
  await insertRows(neighbour, rowsFor(11, NOW - 2 * 3_600_000, NOW - 1000, 7_000).map((r) => ({ ...r, temperatureCentiC: 9999 })));
  owner = getAddress("0x00000000000000000000000000000000000000aa");
  const row = await db.device.update({ where: { address: device.address }, data: { ownerAddress: owner }, include: { project: true } });
  admin = getAddress(row.project.adminAddress);
}, 120_000);

afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

type Expected = Map<number, { min: number; sum: number; max: number; count: number }>;

function expectedBuckets(window: SeriesWindow, pick: (row: Row) => number | null): Expected {
  const range = bucketRange(window, NOW, SERIES_MAX_POINTS);
  const buckets: Expected = new Map();
  for (const row of rows) {
    const value = pick(row);
    if (row.at < range.from || row.at >= range.to || value === null) continue;
    const key = bucketStart(row.at, range.bucketSeconds);
    const bucket = buckets.get(key) ?? { min: Infinity, sum: 0, max: -Infinity, count: 0 };
    bucket.min = Math.min(bucket.min, value);
    bucket.max = Math.max(bucket.max, value);
    bucket.sum += value;
    bucket.count += 1;
    buckets.set(key, bucket);
  }
  return buckets;
}

describe("device series", () => {
  it.each(["1h", "24h", "7d"] as const)("downsamples %s into at most 120 buckets with exact min/mean/max per bucket", async (window) => {
    const result = await deviceSeries(db, getAddress(device.address), { window }, NOW);
    expect(result.series.map((s) => s.metric)).toEqual(["temperature", "pm25"]);
    const checks = [
      { metric: "temperature", perUnit: 100, pick: (r: Row) => r.temperatureCentiC },
      { metric: "pm25", perUnit: 10, pick: (r: Row) => r.pm25DeciUgM3 },
    ];
    for (const check of checks) {
      const series = result.series.find((s) => s.metric === check.metric);
      const expected = expectedBuckets(window, check.pick);
      expect(series?.points.length).toBe(expected.size);
      expect(series?.points.length).toBeLessThanOrEqual(SERIES_MAX_POINTS);
      // Temperature is in every reading (one per 20 s): every bucket but a partial first one has it.
      if (check.metric === "temperature") expect(series?.points.length).toBeGreaterThanOrEqual(SERIES_MAX_POINTS - 1);
      for (const point of series?.points ?? []) {
        const bucket = expected.get(Date.parse(point.t));
        expect(bucket, point.t).toBeDefined();
        if (!bucket) continue;
        expect(point.count).toBe(bucket.count);
        expect(point.min).toBe(bucket.min / check.perUnit);
        expect(point.max).toBe(bucket.max / check.perUnit);
        expect(point.mean).toBeCloseTo(bucket.sum / bucket.count / check.perUnit, 9);
      }
    }
  });

  it("answers one metric, with an empty list when the device never reported it", async () => {
    const pm = await deviceSeries(db, getAddress(device.address), { window: "1h", metric: "pm25" }, NOW);
    expect(pm.series.map((s) => [s.metric, s.unit])).toEqual([["pm25", "µg/m³"]]);
    const battery = await deviceSeries(db, getAddress(device.address), { window: "1h", metric: "battery" }, NOW);
    expect(battery.series).toEqual([{ metric: "battery", unit: "%", decimals: 0, points: [] }]);
  });

  it("keeps devices apart", async () => {
    const result = await deviceSeries(db, getAddress(device.address), { window: "1h", metric: "temperature" }, NOW);
    expect(result.series[0]?.points.some((p) => p.max === 99.99)).toBe(false);
    const other = await deviceSeries(db, getAddress(neighbour.address), { window: "1h", metric: "temperature" }, NOW);
    expect(other.series[0]?.points.every((p) => p.min === 99.99 && p.max === 99.99)).toBe(true);
  });
});

/** Every exact coordinate of the device as the API would print it, e.g. "52.512345". */
function exactCoordinateStrings(): string[] {
  return rows.flatMap((r) => (r.latE6 === null || r.lonE6 === null ? [] : [String(r.latE6 / 1e6), String(r.lonE6 / 1e6)]));
}

function assertNoExactPositions(track: DeviceTrack): void {
  expect(track.precision).toBe("cell");
  const body = JSON.stringify(track);
  expect(body).not.toMatch(/"(lat|lon|accuracyMeters)"/);
  const leaked = exactCoordinateStrings().filter((coordinate) => body.includes(coordinate));
  expect(leaked).toEqual([]);
}

describe("device track", () => {
  it("gives the owner and the project admin the last fix of each bucket", async () => {
    for (const viewer of [owner, admin]) {
      const track = await trackForViewer(db, getAddress(device.address), viewer, { window: "24h" }, NOW);
      if (track.precision !== "exact") throw new Error("expected an exact track");
      const range = bucketRange("24h", NOW, TRACK_MAX_POINTS);
      const lastPerBucket = new Map<number, Row>();
      for (const row of rows) {
        if (row.latE6 !== null && row.at >= range.from && row.at < range.to) lastPerBucket.set(bucketStart(row.at, range.bucketSeconds), row);
      }
      expect(track.points).toHaveLength(lastPerBucket.size);
      expect(track.points.length).toBeLessThanOrEqual(TRACK_MAX_POINTS);
      expect(track.points).toEqual(
        [...lastPerBucket.values()].map((r) => ({ t: new Date(r.at).toISOString(), lat: (r.latE6 as number) / 1e6, lon: (r.lonE6 as number) / 1e6, accuracyMeters: null })),
      );
    }
  });

  it.each(["1h", "24h", "7d"] as const)("never gives an anonymous viewer or a stranger exact coordinates (%s)", async (window) => {
    for (const viewer of [null, stranger]) {
      const track = await trackForViewer(db, getAddress(device.address), viewer, { window }, NOW);
      assertNoExactPositions(track);
      if (track.precision !== "cell") continue;
      expect(track.cells.length).toBeGreaterThan(0);
      expect(track.resolution).toBe(7);
      for (let i = 1; i < track.cells.length; i++) expect(track.cells[i]?.cell).not.toBe(track.cells[i - 1]?.cell);
    }
  });
});
