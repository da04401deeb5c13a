import type pg from "pg";
import { getAddress, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { canSeeExactLocation } from "../../../lib/devices/viewer";
import { lastSeenByDevice, latestPositionFix } from "../../../lib/ingest/device-activity";
import { postTelemetry, registerDevices, signed, testHttpDeps, testPool, wire, type TestDevice } from "./helpers";

const db = createDbClient(inject("databaseUrl"));
let pool: pg.Pool;
let device: TestDevice;
let silent: TestDevice;

beforeAll(async () => {
  pool = testPool();
  [device, silent] = (await registerDevices(2)) as [TestDevice, TestDevice];
  const now = Date.now();
  const messages = [
    await signed(device, 1, { timestamp: now - 3000, position: { latE6: 52_520_008, lonE6: 13_404_954, accuracyCm: 450 } }),
    await signed(device, 2, { timestamp: now - 2000, position: { latE6: 52_521_000, lonE6: 13_405_000, accuracyCm: 300 } }),
    await signed(device, 3, { timestamp: now - 1000 }), // no position: the last fix stays the one before
  ];
  const response = await postTelemetry(testHttpDeps(pool), wire(messages));
  expect(response.status).toBe(200);
});
afterAll(async () => {
  await pool.end();
  await db.$disconnect();
});

describe("device activity from stored telemetry", () => {
  it("reports when each device was last seen, and nothing for a silent one", async () => {
    const seen = await lastSeenByDevice(db, [device.address, silent.address]);
    expect(seen.get(device.address)).toBeInstanceOf(Date);
    expect(seen.has(silent.address)).toBe(false);
  });

  it("returns the newest position fix, skipping messages without one", async () => {
    const fix = await latestPositionFix(db, device.address);
    expect(fix).toMatchObject({ lat: 52.521, lon: 13.405, accuracyMeters: 3 });
    expect(await latestPositionFix(db, silent.address)).toBeNull();
  });

  it("lets only the owner and project staff see the exact location", async () => {
    const owner = getAddress("0x00000000000000000000000000000000000000aa") as Address;
    const stranger = getAddress("0x00000000000000000000000000000000000000bb") as Address;
    const row = await db.device.update({ where: { address: device.address }, data: { ownerAddress: owner }, include: { project: true } });
    expect(await canSeeExactLocation(db, device.address, owner)).toBe(true);
    expect(await canSeeExactLocation(db, device.address, getAddress(row.project.adminAddress))).toBe(true);
    expect(await canSeeExactLocation(db, device.address, stranger)).toBe(false);
    expect(await canSeeExactLocation(db, device.address, null)).toBe(false);
    await db.projectOperator.create({ data: { projectId: row.projectId, address: stranger } });
    expect(await canSeeExactLocation(db, device.address, stranger)).toBe(true);
  });
});
