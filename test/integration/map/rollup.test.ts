import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { mapCellsFor } from "../../../lib/map/cells";
import { ageBands, fillCellCentres } from "../../../lib/map/refresh";
import { hexagonsFromDevices, hexagonsFromRollup } from "../../../lib/map/viewport";
import { METRIC_KEYS, WINDOW_KEYS, viewportQuerySchema } from "../../../lib/map/viewport-params";

/**
 * The map_cell rollup (maintained by triggers on map_device, aged and given
 * cell centres by the refresh job) must give the same hexagons as grouping
 * map_device directly, for every resolution, window, metric and project
 * filter, after any mix of inserts, moves, reading changes, ageing and deletes.
 */
const db = createDbClient(inject("databaseUrl"));
const projects: Array<{ id: number; slug: string }> = [];
const MINUTE = 60_000;
// Ages well inside each band (5 min, 1 h, 24 h, 7 d boundaries), so the few ms between
// writing a row and querying it never move a device across one.
const AGES_MIN = [0, 1, 3, 10, 50, 90, 600, 1_400, 2_000, 9_000, 12_000];
// A few clusters so devices share cells at every resolution, plus one near the antimeridian.
const PLACES = [
  [52.52, 13.4],
  [48.85, 2.35],
  [-33.86, 151.2],
  [64.8, -179.9],
  [64.8, 179.9],
] as const;
const ZOOM_OF_RESOLUTION = { 2: 1, 3: 4, 4: 5, 5: 7, 6: 8, 7: 9.5 } as const;

const device = fc.record({
  place: fc.integer({ min: 0, max: PLACES.length - 1 }),
  dLat: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
  dLon: fc.double({ min: -0.6, max: 0.6, noNaN: true }),
  project: fc.integer({ min: 0, max: 1 }),
  age: fc.constantFrom(...AGES_MIN),
  pm25: fc.option(fc.integer({ min: 0, max: 999 }).map((v) => v / 10)),
  temperature: fc.option(fc.integer({ min: -2000, max: 4500 }).map((v) => v / 100)),
  humidity: fc.option(fc.integer({ min: 0, max: 10_000 }).map((v) => v / 100)),
  light: fc.option(fc.integer({ min: 0, max: 2_000_000 }).map((v) => v / 100)),
  quality: fc.option(fc.integer({ min: 0, max: 100 })),
  uptime: fc.option(fc.integer({ min: 0, max: 60 }).map((v) => (v * 100) / 60)),
});
type Device = typeof device extends fc.Arbitrary<infer T> ? T : never;

async function upsert(addresses: string[], devices: Device[]): Promise<void> {
  const now = Date.now();
  const rows = devices.map((d) => {
    const [lat, lon] = PLACES[d.place]!;
    const exactLat = lat + d.dLat;
    const exactLon = ((lon + d.dLon + 540) % 360) - 180;
    return { ...d, lat: exactLat, lon: exactLon, cells: mapCellsFor(exactLat, exactLon), seen: new Date(now - d.age * MINUTE).toISOString() };
  });
  await db.$executeRaw`
    INSERT INTO map_device (device, "projectId", lat, lon, "cellR7", "publicLat", "publicLon", "cellR2", "cellR3", "cellR4", "cellR5", "cellR6",
                            "lastSeenAt", "measuredAt", pm25, temperature, humidity, light, "qualityScore", "uptimePct", "updatedAt")
    SELECT u.device, u.project, u.lat, u.lon, u.r7, u.plat, u.plon, u.r2, u.r3, u.r4, u.r5, u.r6, u.seen AT TIME ZONE 'UTC', u.seen AT TIME ZONE 'UTC',
           u.pm25, u.temperature, u.humidity, u.light, u.quality, u.uptime, now() AT TIME ZONE 'UTC'
    FROM unnest(${addresses}::text[], ${rows.map((r) => projects[r.project]!.id)}::int4[], ${rows.map((r) => r.lat)}::float8[], ${rows.map((r) => r.lon)}::float8[],
                ${rows.map((r) => r.cells.cellR7)}::text[], ${rows.map((r) => r.cells.publicLat)}::float8[], ${rows.map((r) => r.cells.publicLon)}::float8[],
                ${rows.map((r) => r.cells.cellR2)}::text[], ${rows.map((r) => r.cells.cellR3)}::text[], ${rows.map((r) => r.cells.cellR4)}::text[],
                ${rows.map((r) => r.cells.cellR5)}::text[], ${rows.map((r) => r.cells.cellR6)}::text[], ${rows.map((r) => r.seen)}::timestamptz[],
                ${rows.map((r) => r.pm25)}::float8[], ${rows.map((r) => r.temperature)}::float8[], ${rows.map((r) => r.humidity)}::float8[],
                ${rows.map((r) => r.light)}::float8[], ${rows.map((r) => r.quality)}::int4[], ${rows.map((r) => r.uptime)}::float8[])
      AS u(device, project, lat, lon, r7, plat, plon, r2, r3, r4, r5, r6, seen, pm25, temperature, humidity, light, quality, uptime)
    ON CONFLICT (device) DO UPDATE SET
      "projectId" = EXCLUDED."projectId", lat = EXCLUDED.lat, lon = EXCLUDED.lon, "cellR7" = EXCLUDED."cellR7", "publicLat" = EXCLUDED."publicLat",
      "publicLon" = EXCLUDED."publicLon", "cellR2" = EXCLUDED."cellR2", "cellR3" = EXCLUDED."cellR3", "cellR4" = EXCLUDED."cellR4",
      "cellR5" = EXCLUDED."cellR5", "cellR6" = EXCLUDED."cellR6", "lastSeenAt" = EXCLUDED."lastSeenAt", pm25 = EXCLUDED.pm25,
      temperature = EXCLUDED.temperature, humidity = EXCLUDED.humidity, light = EXCLUDED.light, "qualityScore" = EXCLUDED."qualityScore",
      "uptimePct" = EXCLUDED."uptimePct"`;
}

/** Both ways, every resolution × window × metric, all projects and one of ours. */
async function expectRollupEqualsDirect(now: Date): Promise<void> {
  for (const resolution of [2, 3, 4, 5, 6, 7] as const) {
    for (const window of WINDOW_KEYS) {
      for (const metric of METRIC_KEYS) {
        for (const project of [undefined, projects[1]!.slug]) {
          const query = viewportQuerySchema.parse({ west: "-180", south: "-90", east: "180", north: "90", zoom: String(ZOOM_OF_RESOLUTION[resolution]), metric, window, project });
          const byCell = (rows: Awaited<ReturnType<typeof hexagonsFromDevices>>) => new Map(rows.map((row) => [row.cell, row]));
          const direct = byCell(await hexagonsFromDevices(db, query, resolution, now));
          const rollup = byCell(await hexagonsFromRollup(db, query, resolution));
          const where = `res ${resolution}, ${window}, ${metric}, project ${project ?? "all"}`;
          expect([...rollup.keys()].sort(), where).toEqual([...direct.keys()].sort());
          for (const [cell, expected] of direct) {
            const actual = rollup.get(cell)!;
            expect({ devices: actual.devices, online: actual.online }, `${where}, ${cell}`).toEqual({ devices: expected.devices, online: expected.online });
            for (const key of ["value", "quality"] as const) {
              if (expected[key] === null) expect(actual[key], `${where}, ${cell}, ${key}`).toBeNull();
              else expect(actual[key], `${where}, ${cell}, ${key}`).toBeCloseTo(expected[key], 9);
            }
          }
        }
      }
    }
  }
}

/** Undoes ageing into the future (time never runs backwards outside this test). */
async function bandsBackToNow(): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE map_device SET "ageBand" = map_age_band("lastSeenAt", (now() AT TIME ZONE 'UTC')::timestamp)
      WHERE "ageBand" <> map_age_band("lastSeenAt", (now() AT TIME ZONE 'UTC')::timestamp)`;
    await ageBands(tx);
  });
}

beforeAll(async () => {
  for (let i = 0; i < 2; i++) {
    const slug = `rollup-${randomBytes(5).toString("hex")}`;
    projects.push(await db.project.create({ data: { chainId: 31337, slug, name: "Rollup test", adminAddress: "0x0000000000000000000000000000000000000001" } }));
  }
  await db.$executeRaw`INSERT INTO map_cursor (id, "hourUpTo") VALUES (1, 'epoch') ON CONFLICT (id) DO NOTHING`;
});

afterAll(async () => {
  await db.$disconnect();
});

describe("map_cell rollup", () => {
  it("equals the direct aggregation of map_device after inserts, moves, updates, ageing and deletes", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(device, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(fc.nat(), device), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom(0, 4, 30, 120, 1_500),
        async (initial, changes, deletions, laterMinutes) => {
          const addresses = initial.map(() => `0x${randomBytes(20).toString("hex")}`);
          try {
            await upsert(addresses, initial);
            // Moves, new readings and new last-seen times for some of them (several per statement).
            const changed = changes.map(([index]) => addresses[index % addresses.length]!);
            const unique = new Map(changed.map((address, i) => [address, changes[i]![1]]));
            if (unique.size > 0) await upsert([...unique.keys()], [...unique.values()]);
            const gone = [...new Set(deletions.map((index) => addresses[index % addresses.length]!))];
            if (gone.length > 0) await db.$executeRaw`DELETE FROM map_device WHERE device = ANY(${gone}::text[])`;

            const now = new Date();
            await db.$transaction(async (tx) => {
              await ageBands(tx, now);
              await fillCellCentres(tx);
            });
            await expectRollupEqualsDirect(now);

            // Time passes: the refresh job ages the bands, and the rollup follows.
            const later = new Date(now.getTime() + laterMinutes * MINUTE);
            try {
              await db.$transaction((tx) => ageBands(tx, later).then(() => fillCellCentres(tx)));
              await expectRollupEqualsDirect(later);
            } finally {
              await bandsBackToNow();
            }
          } finally {
            await db.$executeRaw`DELETE FROM map_device WHERE device = ANY(${addresses}::text[])`;
          }
        },
      ),
      // Shrinking re-runs hundreds of queries per step: report the first counterexample as found.
      { numRuns: 8, endOnFailure: true },
    );
    // Deleting every row takes its contribution out again: no rows of ours are left behind.
    const left = await db.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM map_cell WHERE "projectId" = ANY(${projects.map((p) => p.id)}::int4[])`;
    expect(left[0]!.n).toBe(0);
  }, 600_000);

  it("counts a device in the windows its age band belongs to", async () => {
    const address = `0x${randomBytes(20).toString("hex")}`;
    try {
      await upsert([address], [{ place: 0, dLat: 0, dLon: 0, project: 0, age: 90, pm25: 12.5, temperature: null, humidity: null, light: null, quality: 80, uptime: null }]);
      await db.$transaction((tx) => ageBands(tx).then(() => fillCellCentres(tx)));
      const cell = mapCellsFor(PLACES[0][0], PLACES[0][1]).cellR2;
      const at = (window: string) =>
        hexagonsFromRollup(db, viewportQuerySchema.parse({ west: "-180", south: "-90", east: "180", north: "90", zoom: "1", window, project: projects[0]!.slug }), 2);
      expect((await at("1h")).find((row) => row.cell === cell)).toBeUndefined();
      expect((await at("24h")).find((row) => row.cell === cell)).toMatchObject({ devices: 1, online: 0, value: 12.5, quality: 80 });
    } finally {
      await db.$executeRaw`DELETE FROM map_device WHERE device = ANY(${[address]}::text[])`;
    }
  });
});
