import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createRequest } from "@/lib/market/requests";
import { computeEpoch, epochWindow, type EpochInputsDocument } from "@/lib/rewards/epoch";
import { publishPolicy } from "@/lib/rewards/policies";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { storeTelemetry } from "../market/helpers";

// Its own database: open requests of other test files must not cover these devices' cells.
let harness: IndexerHarness;
const EPOCH_SECONDS = 600;
const DEMANDED_CELL = "872830828ffffff";
const OTHER_CELL = "871f1d489ffffff";
const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
const { windowStart, windowEnd } = epochWindow(epoch, EPOCH_SECONDS);

beforeAll(async () => {
  harness = await startIndexerHarness(inject("databaseUrl"));
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function reported(device: Address, cell: string, sensors: Record<string, unknown>, minutes: number): Promise<void> {
  await harness.db.deviceHour.create({
    data: {
      device: device.toLowerCase(),
      hourStart: new Date(Math.floor(windowStart.getTime() / 3_600_000) * 3_600_000),
      messageCount: minutes,
      onlineMinutes: minutes,
      distanceMeters: 0,
      cellsR7: [cell],
      cellsR8: [],
      sensors: sensors as object,
      qualityScore: 90,
      findings: [],
      computedAt: new Date(),
    },
  });
  for (let minute = 0; minute < minutes; minute += 1) await storeTelemetry(harness, device, minute + 1, new Date(windowStart.getTime() + minute * 60_000 + 1_000));
}

describe("demand in reward epochs", () => {
  it("marks in demand exactly the devices an open, live request covers (cell and metric), and the inputs document records it", async () => {
    const onchainProject = await harness.chain.createProject("Demand Fleet");
    const { devices } = await harness.chain.registerDevices(onchainProject, 4);
    await harness.indexer().catchUp(harness.db);
    const [wanted, elsewhere, wrongMetric, closedOrExpired] = devices.map((d) => d.address) as [Address, Address, Address, Address];
    const pm25 = { pm25: { min: 1, mean: 2, max: 3, count: 10 } };
    await reported(wanted, DEMANDED_CELL, pm25, 10);
    await reported(elsewhere, OTHER_CELL, pm25, 10);
    await reported(wrongMetric, DEMANDED_CELL, { temperature: { min: 1, mean: 2, max: 3, count: 10 } }, 10);
    await reported(closedOrExpired, "871f1d48dffffff", pm25, 10);

    const buyer = (await harness.fundedAccount()).address;
    const request = { title: "PM2.5 wanted", metric: "pm25", deviceCount: 1, durationDays: 30, budget: 1_000_000n };
    const created = new Date(windowStart.getTime() - 60_000);
    const live = await createRequest(harness.db, buyer, { ...request, cells: [DEMANDED_CELL], expiresAt: new Date(windowEnd.getTime() + 86_400_000) }, created);
    // Posted while the window was open (the epoch is computed after it closes).
    await harness.db.marketRequest.update({ where: { id: live.id }, data: { createdAt: created } });
    // A closed request and one that expired before the window do not make a device in demand.
    const closed = await createRequest(harness.db, buyer, { ...request, cells: ["871f1d48dffffff"], expiresAt: new Date(windowEnd.getTime() + 86_400_000) }, created);
    await harness.db.marketRequest.update({ where: { id: closed.id }, data: { status: "CLOSED", createdAt: created } });
    const expired = await createRequest(harness.db, buyer, { ...request, cells: ["871f1d48dffffff"], expiresAt: new Date(windowStart.getTime() - 1_000) }, new Date(windowStart.getTime() - 120_000));
    await harness.db.marketRequest.update({ where: { id: expired.id }, data: { createdAt: new Date(windowStart.getTime() - 120_000) } });
    // A request posted after the window does not reach back into it.
    await harness.db.marketRequest.create({ data: { id: crypto.randomUUID(), buyerAddress: buyer, title: "Later", metric: "pm25", cellsR7: [OTHER_CELL], deviceCount: 1, durationDays: 1, budget: 1n, expiresAt: new Date(windowEnd.getTime() + 86_400_000), createdAt: windowEnd } });

    const project = await harness.db.project.findFirstOrThrow({ where: { onchainId: onchainProject } });
    const policy = await publishPolicy(harness.db, project.id, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" });
    const epochId = await computeEpoch(harness.db, project.id, epoch, EPOCH_SECONDS, policy);
    expect(epochId).not.toBeNull();

    const stored = await harness.db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId as number } });
    const document = stored.inputs as unknown as EpochInputsDocument;
    const inDemand = Object.fromEntries(document.slots.map((slot) => [slot.device, slot.inputs.inDemand]));
    expect(inDemand).toEqual({ [wanted.toLowerCase()]: true, [elsewhere.toLowerCase()]: false, [wrongMetric.toLowerCase()]: false, [closedOrExpired.toLowerCase()]: false });

    // The bonus reaches the amounts: against its neighbour in the same cell (same minutes, quality and coverage), the
    // demanded device gets exactly the demand bonus on top.
    const rows = await harness.db.rewardDeviceEpoch.findMany({ where: { epochId: epochId as number } });
    const byDevice = new Map(rows.map((row) => [row.device, row]));
    const [w, n] = [byDevice.get(wanted.toLowerCase())!, byDevice.get(wrongMetric.toLowerCase())!];
    expect([w.inDemand, n.inDemand]).toEqual([true, false]);
    expect(w.bonusBps - n.bonusBps).toBe(2500);
    expect(BigInt(w.raw.toFixed(0)) * BigInt(n.bonusBps)).toBe(BigInt(n.raw.toFixed(0)) * BigInt(w.bonusBps));
    expect(BigInt(w.raw.toFixed(0))).toBeGreaterThan(BigInt(n.raw.toFixed(0)));
  });
});
