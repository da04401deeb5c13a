import type { Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { closeRequest, createRequest } from "@/lib/market/requests";
import { computeEpoch, epochWindow, type EpochInputsDocument } from "@/lib/rewards/epoch";
import { publishPolicy } from "@/lib/rewards/policies";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { storeTelemetry } from "../market/helpers";

// Its own database: open requests of other test files must not cover these devices' cells.
let harness: IndexerHarness;
const EPOCH_SECONDS = 600;
const DEMANDED_CELL = "872830828ffffff";
const OTHER_CELL = "871f1d489ffffff";
const CLOSED_EARLY_CELL = "871f1d48dffffff";
const CLOSED_DURING_CELL = "871f1d4f2ffffff";
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
      // The last hour finished by the window's end: the hour an epoch's inputs read a device's cell and metrics from.
      hourStart: new Date(Math.floor(windowEnd.getTime() / 3_600_000) * 3_600_000 - 3_600_000),
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
  it("marks in demand exactly the devices a request open during the window covers (cell and metric), and the inputs document records it", async () => {
    const onchainProject = await harness.chain.createProject("Demand Fleet");
    const { devices } = await harness.chain.registerDevices(onchainProject, 5);
    await harness.indexer().catchUp(harness.db);
    const [wanted, elsewhere, wrongMetric, closedOrExpired, closedDuring] = devices.map((d) => d.address) as [Address, Address, Address, Address, Address];
    const pm25 = { pm25: { min: 1, mean: 2, max: 3, count: 10 } };
    await reported(wanted, DEMANDED_CELL, pm25, 10);
    await reported(elsewhere, OTHER_CELL, pm25, 10);
    await reported(wrongMetric, DEMANDED_CELL, { temperature: { min: 1, mean: 2, max: 3, count: 10 } }, 10);
    await reported(closedOrExpired, CLOSED_EARLY_CELL, pm25, 10);
    await reported(closedDuring, CLOSED_DURING_CELL, pm25, 10);

    const buyer = (await harness.fundedAccount()).address;
    const request = { title: "PM2.5 wanted", metric: "pm25", deviceCount: 1, durationDays: 30, budget: 1_000_000n };
    const created = new Date(windowStart.getTime() - 60_000);
    const live = await createRequest(harness.db, buyer, { ...request, cells: [DEMANDED_CELL], expiresAt: new Date(windowEnd.getTime() + 86_400_000) }, created);
    // Posted while the window was open (the epoch is computed after it closes).
    await harness.db.marketRequest.update({ where: { id: live.id }, data: { createdAt: created } });
    // A request closed before the window and one that expired before it do not make a device in demand; one closed
    // during the window does: the epoch counts what was open then, however often it is computed later.
    const closedEarly = await createRequest(harness.db, buyer, { ...request, cells: [CLOSED_EARLY_CELL], expiresAt: new Date(windowEnd.getTime() + 86_400_000) }, created);
    await harness.db.marketRequest.update({ where: { id: closedEarly.id }, data: { createdAt: created } });
    await closeRequest(harness.db, buyer, closedEarly.id, new Date(windowStart.getTime() - 1_000));
    const closedLater = await createRequest(harness.db, buyer, { ...request, cells: [CLOSED_DURING_CELL], expiresAt: new Date(windowEnd.getTime() + 86_400_000) }, created);
    await harness.db.marketRequest.update({ where: { id: closedLater.id }, data: { createdAt: created } });
    await closeRequest(harness.db, buyer, closedLater.id, new Date(windowStart.getTime() + 60_000));
    const expired = await createRequest(harness.db, buyer, { ...request, cells: [CLOSED_EARLY_CELL], expiresAt: new Date(windowStart.getTime() - 1_000) }, new Date(windowStart.getTime() - 120_000));
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
    expect(inDemand).toEqual({ [wanted.toLowerCase()]: true, [elsewhere.toLowerCase()]: false, [wrongMetric.toLowerCase()]: false, [closedOrExpired.toLowerCase()]: false, [closedDuring.toLowerCase()]: true });

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
