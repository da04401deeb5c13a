import type pg from "pg";
import { latLngToCell } from "h3-js";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { underServedCells } from "../../../lib/map/demand";
import { cellDetail, deviceDetail } from "../../../lib/map/detail";
import { devicesChangedSince } from "../../../lib/map/live";
import { myMapDevices } from "../../../lib/map/mine";
import { refreshMapDevices } from "../../../lib/map/refresh";
import { queryViewport } from "../../../lib/map/viewport";
import { viewportQuerySchema } from "../../../lib/map/viewport-params";
import { postTelemetry, registerDevices, signed, testHttpDeps, testPool, wire, type TestDevice } from "../ingest/helpers";

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let devices: TestDevice[];
const OWNER = "0x00000000000000000000000000000000000000Ee";
// Exact fixes with digits no public cell centre has, so a leak is visible in the JSON.
const FIXES = [
  { latE6: 52_521_234, lonE6: 13_401_234, pm25DeciUgM3: 100 },
  { latE6: 52_531_234, lonE6: 13_411_234, pm25DeciUgM3: 300 },
  { latE6: 38_721_234, lonE6: -9_131_234, pm25DeciUgM3: 50 },
];
const BERLIN_BOX = { west: "13.2", south: "52.4", east: "13.6", north: "52.65" };
const WORLD = { west: "-180", south: "-85", east: "180", north: "85", zoom: "1" };
const q = (raw: Record<string, string>) => viewportQuerySchema.parse(raw);

beforeAll(async () => {
  pool = testPool();
  devices = await registerDevices(3);
  await db.device.update({ where: { address: devices[0]!.address }, data: { ownerAddress: OWNER } });
  const messages = await Promise.all(
    devices.map((device, i) => signed(device, 1, { position: { latE6: FIXES[i]!.latE6, lonE6: FIXES[i]!.lonE6, accuracyCm: 300 }, pm25DeciUgM3: FIXES[i]!.pm25DeciUgM3 })),
  );
  const response = await postTelemetry(testHttpDeps(pool), wire(messages));
  expect(response.status).toBe(200);
  // Other test files' devices may be pending too: fold until nothing is left.
  for (let i = 0; i < 10; i++) {
    const result = await refreshMapDevices(db);
    if (result.status === "done" && result.devices === 0) break;
  }
});

afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

const ours = (addresses: string[]) => addresses.filter((a) => devices.some((d) => d.address === a));

describe("map viewport against PostgreSQL", () => {
  it("aggregates hexagons in the database: device count and mean metric per cell", async () => {
    const response = await queryViewport(db, q({ ...WORLD, metric: "pm25" }), null);
    if (response.kind !== "hexagons") throw new Error("expected hexagons");
    expect(response.resolution).toBe(2);
    const berlin = response.features.find((f) => f.id === latLngToCell(52.52, 13.4, 2));
    expect(berlin?.properties.devices).toBeGreaterThanOrEqual(2);
    const lisbon = response.features.find((f) => f.id === latLngToCell(38.72, -9.13, 2));
    expect(lisbon?.properties.devices).toBeGreaterThanOrEqual(1);
    const res6 = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "8", metric: "pm25" }), null);
    if (res6.kind !== "hexagons") throw new Error("expected hexagons");
    const cell6 = latLngToCell(52.521234, 13.401234, 6);
    const own = res6.features.find((f) => f.id === cell6);
    expect(own).toBeDefined();
    expect(res6.features.every((f) => f.geometry.coordinates[0]!.length === 7)).toBe(true);
  });

  it("gives anonymous viewers public cell centres only, never the exact fix", async () => {
    const response = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "12" }), null);
    if (response.kind !== "devices") throw new Error("expected devices");
    expect(ours(response.devices.map((d) => d.address)).sort()).toEqual([devices[0]!.address, devices[1]!.address].sort());
    const text = JSON.stringify(response);
    for (const fix of FIXES) {
      expect(text).not.toContain(String(fix.latE6 / 1e6));
      expect(text).not.toContain(String(fix.lonE6 / 1e6));
    }
    for (const device of response.devices) {
      expect(device.exact).toBeUndefined();
      expect(latLngToCell(device.lat, device.lon, 7)).toBe(device.cell);
    }
  });

  it("adds the exact fix for the owner's own device only", async () => {
    const response = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "12" }), OWNER.toLowerCase());
    if (response.kind !== "devices") throw new Error("expected devices");
    const mine = response.devices.find((d) => d.address === devices[0]!.address);
    const other = response.devices.find((d) => d.address === devices[1]!.address);
    expect(mine?.exact).toEqual({ lat: 52.521234, lon: 13.401234 });
    expect(other?.exact).toBeUndefined();
    expect(mine?.status).toBe("online");
    expect(mine?.readings.pm25).toBe(10);
  });

  it("the time window drops devices not heard from within it", async () => {
    await db.$executeRaw`UPDATE map_device SET "lastSeenAt" = "lastSeenAt" - interval '3 hours' WHERE device = ${devices[1]!.address}`;
    const hour = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "12", window: "1h" }), null);
    const day = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "12", window: "24h" }), null);
    if (hour.kind !== "devices" || day.kind !== "devices") throw new Error("expected devices");
    expect(ours(hour.devices.map((d) => d.address))).toEqual([devices[0]!.address]);
    expect(ours(day.devices.map((d) => d.address))).toHaveLength(2);
    expect(day.devices.find((d) => d.address === devices[1]!.address)?.status).toBe("offline");
  });

  it("filters by project", async () => {
    const response = await queryViewport(db, q({ ...BERLIN_BOX, zoom: "12", project: "no-such-project" }), null);
    expect(response.kind === "devices" && response.devices).toEqual([]);
  });

  it("panel details follow the same privacy rule", async () => {
    const anonymous = await deviceDetail(db, devices[0]!.address, "pm25", null);
    expect(anonymous.device.exact).toBeUndefined();
    const owner = await deviceDetail(db, devices[0]!.address, "pm25", OWNER);
    expect(owner.device.exact).toEqual({ lat: 52.521234, lon: 13.401234 });
    const cell = await cellDetail(db, latLngToCell(52.521234, 13.401234, 6), { metric: "pm25", window: "24h" }, null);
    expect(cell.devices.map((d) => d.address)).toContain(devices[0]!.address);
    expect(cell.devices.every((d) => d.exact === undefined)).toBe(true);
  });

  it("my devices: exact positions and tracks for the owner only", async () => {
    const mine = await myMapDevices(db, OWNER, "24h");
    expect(mine.devices.map((d) => d.address)).toEqual([devices[0]!.address]);
    expect(mine.tracks[0]?.points[0]).toEqual([13.401234, 52.521234]);
    const stranger = await myMapDevices(db, "0x00000000000000000000000000000000000000Dd", "24h");
    expect(stranger).toEqual({ devices: [], tracks: [] });
  });

  it("live updates report devices whose row changed after the cursor", async () => {
    const box = { west: 13.2, south: 52.4, east: 13.6, north: 52.65 };
    const before = new Date(Date.now() - 60_000);
    const changes = await devicesChangedSince(db, box, before, null);
    expect(ours(changes.devices.map((d) => d.address)).length).toBeGreaterThanOrEqual(1);
    expect(changes.devices.every((d) => d.exact === undefined)).toBe(true);
    const after = await devicesChangedSince(db, box, changes.cursor, null);
    expect(ours(after.devices.map((d) => d.address))).toEqual([]);
  });

  it("under-served cells neighbour covered ones", async () => {
    const cells = await underServedCells(db);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => c.properties.devices < 2)).toBe(true);
  });

  it("refresh walks changed devices in batches and folds each exactly once", async () => {
    const batchOfThree = await registerDevices(3);
    const messages = await Promise.all(batchOfThree.map((device, i) => signed(device, 1, { position: { latE6: 48_850_000 + i * 1000, lonE6: 2_350_000, accuracyCm: 300 } })));
    expect((await postTelemetry(testHttpDeps(pool), wire(messages))).status).toBe(200);
    const folded: number[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await refreshMapDevices(db, { batch: 1 });
      if (result.status === "done") folded.push(result.devices);
    }
    expect(folded).toEqual([1, 1, 1, 0]);
    const rows = await db.mapDevice.findMany({ where: { device: { in: batchOfThree.map((d) => d.address) } } });
    expect(rows).toHaveLength(3);
  });

  it("refresh is a no-op when nothing changed and skips while another worker holds the lock", async () => {
    expect(await refreshMapDevices(db)).toMatchObject({ status: "done", devices: 0 });
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${0x3a9d}::int4, 0)`;
      const other = createDbClient(inject("databaseUrl"));
      try {
        expect(await refreshMapDevices(other)).toEqual({ status: "locked" });
      } finally {
        await other.$disconnect();
      }
    });
  });
});
