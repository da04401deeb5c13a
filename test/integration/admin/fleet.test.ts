import { getAddress, hexToBytes, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditLog } from "@/lib/admin/audit";
import { parseCsv } from "@/lib/admin/csv";
import { fleetCsvStream, fleetPage } from "@/lib/admin/fleet";
import { parseFleetQuery } from "@/lib/admin/fleet-query";
import { fleetMapData } from "@/lib/admin/fleet-map";
import { fleetHealth } from "@/lib/admin/health";
import { MetadataConflictError, registeredDevices, saveDeviceMetadata } from "@/lib/admin/registration";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";

let db: PrismaClient;
const admin = privateKeyToAccount(generatePrivateKey()).address;
const owner = privateKeyToAccount(generatePrivateKey()).address;
const now = new Date("2026-11-20T12:30:00Z");
let projectId: number;
let otherProjectId: number;
let onchainId: bigint;
const devices: Address[] = Array.from({ length: 30 }, () => privateKeyToAccount(generatePrivateKey()).address);
const lower = (a: string) => a.toLowerCase();

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  const suffix = Date.now();
  onchainId = BigInt(700_000 + (suffix % 100_000));
  projectId = (await db.project.create({ data: { chainId: 31337, onchainId, slug: `fleet-${suffix}`, name: "Fleet", adminAddress: admin } })).id;
  otherProjectId = (await db.project.create({ data: { chainId: 31337, onchainId: onchainId + 1n, slug: `fleet-other-${suffix}`, name: "Other", adminAddress: owner } })).id;
  await db.device.createMany({
    data: devices.map((address, i) => ({ address: lower(address), projectId, model: i % 2 ? "AQ v2" : "Weather", active: i % 10 !== 0, ownerAddress: i < 5 ? owner : null, registeredAt: new Date("2026-11-19T00:00:00Z") })),
  });
  await saveDeviceMetadata(db, { projectId, actor: admin }, devices.map((address, i) => ({ address, model: "AQ v2", serial: `SN-${String(i).padStart(3, "0")}`, firmware: i < 20 ? "1.0.0" : "1.1.0" })));
  // Device i was last seen i minutes ago (0…29): 0…4 online, the rest stale; device 29 never seen.
  for (let i = 0; i < 29; i++) {
    await db.$executeRaw`INSERT INTO ingest.device_state (device, last_seen_at, message_count) VALUES (${Buffer.from(hexToBytes(devices[i]!))}, ${new Date(now.getTime() - i * 60_000 - 1_000)}, 1)`;
  }
  // The latest scored hour: quality 100 - i, battery 100 - 3i.
  for (let i = 0; i < 30; i++) {
    for (const [hour, quality] of [["2026-11-20T10:00:00Z", 50], ["2026-11-20T11:00:00Z", 100 - i]] as const) {
      await db.deviceHour.create({
        data: { device: lower(devices[i]!), hourStart: new Date(hour), messageCount: 60, onlineMinutes: i < 20 ? 60 : 0, distanceMeters: 0, cellsR7: [], cellsR8: [], sensors: { battery: { min: 0, mean: 100 - 3 * i, max: 100, count: 60 } }, qualityScore: quality, findings: [], computedAt: now },
      });
    }
  }
});

afterAll(async () => {
  await db.$disconnect();
});

describe("fleet table", () => {
  it("pages, sorts and counts in the database", async () => {
    const page = await fleetPage(db, projectId, parseFleetQuery({ sort: "quality", dir: "asc", pageSize: "10", page: "2" }), now);
    expect(page.total).toBe(30);
    expect(page.rows.map((r) => r.quality)).toEqual([81, 82, 83, 84, 85, 86, 87, 88, 89, 90]);
    expect(page.rows[0]).toMatchObject({ serial: "SN-019", firmware: "1.0.0", battery: 43, status: "stale" });
  });

  it("filters by status, firmware, claimed, active, quality and battery, and searches serials and addresses", async () => {
    const count = async (params: Record<string, string>) => (await fleetPage(db, projectId, parseFleetQuery(params), now)).total;
    expect(await count({ status: "online" })).toBe(5);
    expect(await count({ status: "offline" })).toBe(1);
    expect(await count({ firmware: "1.1.0" })).toBe(10);
    expect(await count({ claimed: "true" })).toBe(5);
    expect(await count({ active: "false" })).toBe(3);
    expect(await count({ qualityBelow: "75" })).toBe(4);
    expect(await count({ batteryBelow: "20" })).toBe(3);
    expect(await count({ q: "sn-02" })).toBe(10);
    expect(await count({ q: devices[7]!.slice(0, 12) })).toBeGreaterThanOrEqual(1);
    expect(await count({ q: "100%" })).toBe(0);
  });

  it("past the last page returns no rows but the true total", async () => {
    const page = await fleetPage(db, projectId, parseFleetQuery({ page: "99" }), now);
    expect(page).toMatchObject({ rows: [], total: 30 });
  });

  it("streams the filtered fleet as CSV in chunks", async () => {
    const text = await new Response(fleetCsvStream(db, projectId, parseFleetQuery({ firmware: "1.0.0" }), { now, chunkSize: 7 })).text();
    const records = parseCsv(text);
    expect(records[0]!.fields.slice(0, 3)).toEqual(["address", "serial", "model"]);
    expect(records).toHaveLength(21);
    expect(new Set(records.slice(1).map((r) => r.fields[0])).size).toBe(20);
  });

  it("reports online devices per hour, the quality trend and firmware versions", async () => {
    const health = await fleetHealth(db, projectId, { hours: 3, now });
    expect(health.hours).toEqual([
      { hourStart: "2026-11-20T09:00:00.000Z", registered: 30, online: 0, meanQuality: null },
      { hourStart: "2026-11-20T10:00:00.000Z", registered: 30, online: 20, meanQuality: 50 },
      { hourStart: "2026-11-20T11:00:00.000Z", registered: 30, online: 20, meanQuality: 85.5 },
    ]);
    expect(health.firmware).toEqual([
      { firmware: "1.0.0", count: 20 },
      { firmware: "1.1.0", count: 10 },
    ]);
  });
});

describe("fleet map", () => {
  it("draws the project's devices at their exact fix for its admin, at public cell centres for anyone else", async () => {
    // Devices 0–2 have a map position: exact fix at x.001, public cell centre at x.000.
    for (let i = 0; i < 3; i++) {
      await db.mapDevice.create({
        data: { device: lower(devices[i]!), projectId, lat: 52.001 + i, lon: 13.001 + i, cellR7: `cell-${i}`, publicLat: 52 + i, publicLon: 13 + i, cellR2: "a", cellR3: "b", cellR4: "c", cellR5: "d", cellR6: "e", lastSeenAt: new Date(now.getTime() - i * 60_000), measuredAt: now, qualityScore: 90 - i, updatedAt: now },
      });
    }
    const forAdmin = await fleetMapData(db, projectId, admin, now);
    expect(forAdmin).toMatchObject({ located: 3, exact: true });
    expect(forAdmin.points).toEqual([
      [13.001, 52.001, "online", 90],
      [14.001, 53.001, "online", 89],
      [15.001, 54.001, "online", 88],
    ]);
    const stranger = await fleetMapData(db, projectId, privateKeyToAccount(generatePrivateKey()).address, now);
    expect(stranger.exact).toBe(false);
    expect(stranger.points.map(([lon, lat]) => [lon, lat])).toEqual([
      [13, 52],
      [14, 53],
      [15, 54],
    ]);
    expect((await fleetMapData(db, otherProjectId, owner, now)).located).toBe(0);
  });
});

describe("registration support", () => {
  it("looks registered devices up with their on-chain project", async () => {
    const unknown = privateKeyToAccount(generatePrivateKey()).address;
    expect(await registeredDevices(db, 31337, [devices[0]!, unknown])).toEqual({ [lower(devices[0]!)]: String(onchainId) });
  });

  it("refuses to overwrite metadata of a device registered in another project", async () => {
    await expect(saveDeviceMetadata(db, { projectId: otherProjectId, actor: owner }, [{ address: getAddress(devices[0]!), model: "X", serial: "hijack", firmware: null }])).rejects.toBeInstanceOf(MetadataConflictError);
    expect((await db.adminDeviceMetadata.findUnique({ where: { address: lower(devices[0]!) } }))?.serial).toBe("SN-000");
  });

  it("logs the metadata upload in the audit log", async () => {
    const entries = await auditLog(db, { id: projectId, chainId: 31337, onchainId });
    expect(entries).toEqual([expect.objectContaining({ action: "devices.metadata", actor: admin, summary: "Saved serial and firmware of 30 devices" })]);
  });
});
