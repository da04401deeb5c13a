import { latLngToCell } from "h3-js";
import { getAddress, type Address } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";
import { createListing } from "@/lib/market/listings";
import { createListingSchema } from "@/lib/market/schemas";
import { deviceEarnings, sellableDevices } from "@/lib/market/seller-devices";

let db: PrismaClient;
const randomAddress = (): Address => privateKeyToAccount(generatePrivateKey()).address;
const owner = randomAddress();
const stranger = randomAddress();
const [earner, idle, notMine] = [randomAddress(), randomAddress(), randomAddress()];
const tag = `sell${Date.now().toString(36)}`;
const cell = latLngToCell(41.3874, 2.1686, 7);
const now = new Date();
const HOUR = 3_600_000;

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  const project = await db.project.create({ data: { chainId: 31337, slug: `sellable-${tag}`, name: `Sellable ${tag}`, adminAddress: owner } });
  for (const [device, holder] of [[earner, owner], [idle, owner], [notMine, stranger]] as const) {
    await db.device.create({ data: { address: device.toLowerCase(), projectId: project.id, model: "AQ-1", ownerAddress: getAddress(holder), claimedAt: now } });
  }
  await db.deviceHour.create({
    data: { device: earner.toLowerCase(), hourStart: new Date(Math.floor(now.getTime() / HOUR) * HOUR - 2 * HOUR), messageCount: 5, onlineMinutes: 5, distanceMeters: 0, cellsR7: [cell], cellsR8: [], sensors: { pm25: { min: 1, mean: 2, max: 3, count: 5 } }, qualityScore: 90, findings: [], computedAt: now },
  });
  const policy = await db.rewardPolicy.create({ data: { projectId: project.id, version: 1, basePerMinute: "1", minQualityMultiplierBps: 5000, coverageBonusBps: 0, demandBonusBps: 0, epochBudget: (10n ** 21n).toString(), policyHash: "1" } });
  // Three epochs for the earner (and one for a stranger's device, which must not leak into the owner's view).
  for (const [index, amount] of [10n ** 18n, 2n * 10n ** 18n, 3n * 10n ** 18n].entries()) {
    const windowStart = new Date(now.getTime() - (3 - index) * 24 * HOUR);
    const epoch = await db.rewardEpoch.create({
      data: { projectId: project.id, epoch: 1 + index, windowStart, windowEnd: new Date(windowStart.getTime() + 24 * HOUR), policyId: policy.id, status: "confirmed", deviceCount: 2, batchCount: 1, rawTotal: amount.toString(), paidTotal: amount.toString(), scaled: false, inputs: {} },
    });
    const row = { slot: 0, onlineMinutes: 60, qualityScore: 90, underserved: false, inDemand: false, active: true, qualityMultiplierBps: 10_000, bonusBps: 0, raw: amount.toString(), amount: amount.toString(), cumulative: amount.toString(), merkleProof: [] };
    await db.rewardDeviceEpoch.create({ data: { ...row, epochId: epoch.id, device: earner.toLowerCase() } });
    await db.rewardDeviceEpoch.create({ data: { ...row, slot: 1, epochId: epoch.id, device: notMine.toLowerCase() } });
  }
});

afterAll(async () => {
  await db.$disconnect();
});

describe("sellable devices", () => {
  it("lists only the owner's devices, with what they measured where, and their earnings newest first", async () => {
    const devices = await sellableDevices(db, owner, now);
    expect(devices.map((device) => device.address).sort()).toEqual([earner, idle].sort());
    const earning = devices.find((device) => device.address === earner)!;
    expect(earning).toMatchObject({ recentMetrics: ["pm25"], recentCells: [cell], earnedTotal: (6n * 10n ** 18n).toString(), listedForSale: false, projectName: `Sellable ${tag}` });
    expect(earning.earnings.map((row) => row.amount)).toEqual([3n, 2n, 1n].map((n) => (n * 10n ** 18n).toString()));
    expect(devices.find((device) => device.address === idle)).toMatchObject({ recentMetrics: [], recentCells: [], earnings: [], earnedTotal: "0" });
    expect(await sellableDevices(db, randomAddress(), now)).toEqual([]);
  });

  it("marks a device already offered for sale", async () => {
    await createListing(db, owner, createListingSchema.parse({ kind: "DEVICE", title: `Selling ${tag}`, price: "1000000", devices: [idle] }), now);
    const devices = await sellableDevices(db, owner, now);
    expect(devices.find((device) => device.address === idle)?.listedForSale).toBe(true);
    expect(devices.find((device) => device.address === earner)?.listedForSale).toBe(false);
  });

  it("gives one device's earning history for its sale listing", async () => {
    const { earnings, earnedTotal } = await deviceEarnings(db, earner);
    expect(earnedTotal).toBe((6n * 10n ** 18n).toString());
    expect(earnings).toHaveLength(3);
    expect(new Date(earnings[0]!.windowStart) > new Date(earnings[2]!.windowStart)).toBe(true);
    expect(await deviceEarnings(db, randomAddress())).toEqual({ earnings: [], earnedTotal: "0" });
  });
});
