import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditLog } from "@/lib/admin/audit";
import { fleetPage } from "@/lib/admin/fleet";
import { parseFleetQuery } from "@/lib/admin/fleet-query";
import { previewDraftPolicy, projectEpochs, publishPolicyAsAdmin, rerunFailedEpoch } from "@/lib/admin/reward-ops";
import { rewardDistributorAbi } from "@/lib/chain/abi.generated";
import { readDeployment } from "@/lib/chain/deployments";
import { createDbClient } from "@/lib/db/create-client";
import { DomainError } from "@/lib/http/errors";
import { computeEpoch } from "@/lib/rewards/epoch";
import { createRewardEpochJob } from "@/lib/rewards/epoch-job";
import { publishPolicy } from "@/lib/rewards/policies";
import { testPool, type TestDevice } from "../ingest/helpers";
import { createRewardProject, EPOCH_SECONDS, everyMinute, fundRewardPool, lastClosedEpoch, POLICY, rewardChain, sendReadings } from "../rewards/harness";

const db = createDbClient(inject("databaseUrl"));
const rpcUrl = inject("rpcUrl");
const chain = rewardChain(rpcUrl, readDeployment(inject("deploymentsFile"), 31337)!);
const { publicClient, admin, clients } = chain;
const { epoch, windowStart, windowEnd } = lastClosedEpoch();

let pool: pg.Pool;
let projectId: number;
let otherProjectId: number;
let onchainProjectId: bigint;
let epochId: number;
let devices: [TestDevice, TestDevice, TestDevice];

beforeAll(async () => {
  pool = testPool();
  const project = await createRewardProject(db, chain, { name: "Reward ops", slug: "reward-ops", devices: 3 });
  ({ projectId, onchainProjectId } = project);
  devices = project.devices as typeof devices;
  otherProjectId = (await db.project.create({ data: { chainId: 31337, slug: `reward-ops-other-${randomBytes(6).toString("hex")}`, name: "Other", adminAddress: admin.address } })).id;

  // Device 0 online 4 minutes, device 1 online 2 minutes, device 2 silent.
  await sendReadings(pool, windowStart, [
    { device: devices[0], offsetsMs: everyMinute(4, 5_000) },
    { device: devices[1], offsetsMs: everyMinute(2, 7_000) },
  ]);
  await publishPolicy(db, projectId, POLICY);
  const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
  epochId = (await computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy))!;
  expect(epochId).toBeGreaterThan(0);
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("policy preview over the last epoch's stored inputs", () => {
  it("with the epoch's own policy, shows exactly what the epoch paid, per device and in total", async () => {
    const preview = await previewDraftPolicy(db, projectId, { policy: POLICY, sort: "slot", limit: 200 });
    const stored = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { slot: "asc" } });
    const storedEpoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    expect(preview.epoch).toMatchObject({ id: epochId, epoch, policyVersion: 1, deviceCount: 3 });
    expect(preview.draftVersion).toBe(2);
    expect(preview.rows.map((row) => [row.device, row.currentAmount, row.draftAmount, row.delta])).toEqual(stored.map((row) => [row.device, row.amount.toFixed(0), row.amount.toFixed(0), "0"]));
    expect(preview.current.paidTotal).toBe(storedEpoch.paidTotal.toFixed(0));
    expect(preview.changed).toEqual({ up: 0, down: 0, same: 3 });
    expect(stored.map((row) => row.amount.gt(0))).toEqual([true, true, false]);
  });

  it("with a smaller budget, scales the draft down to it; the biggest change comes first", async () => {
    const preview = await previewDraftPolicy(db, projectId, { policy: { ...POLICY, epochBudget: "1000" }, sort: "delta", limit: 200 });
    expect(preview.draft).toMatchObject({ scaled: true, budget: "1000", earning: 2 });
    expect(BigInt(preview.draft.paidTotal) <= 1000n).toBe(true);
    expect(preview.rows[0]!.device).toBe(devices[0].address);
    expect(preview.changed).toEqual({ up: 0, down: 2, same: 1 });
  });

  it("says there is nothing to preview against before a project's first epoch", async () => {
    await expect(previewDraftPolicy(db, otherProjectId, { policy: POLICY, sort: "delta", limit: 10 })).rejects.toMatchObject({ code: "no_epoch", status: 409 });
  });
});

describe("a failed epoch re-runs to finalized", () => {
  it("fails while the pool is unfunded, stays failed for the worker, re-runs once (idempotent, audited), then finalizes on-chain", async () => {
    const logs: string[] = [];
    const job = createRewardEpochJob({ epochSeconds: EPOCH_SECONDS, clients, clock: () => windowEnd.getTime() + 1_000, maxAttempts: 1, projectIds: [projectId], log: (m) => logs.push(m) });
    const run = () => job.run({ db, signal: new AbortController().signal });

    await run();
    let row = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/PoolTooSmall/);
    let [listed] = await projectEpochs(db, projectId);
    expect(listed).toMatchObject({ id: epochId, status: "failed", batchesProved: 1, batchesSubmitted: 1, attempts: 1 });
    expect(listed!.timings.proveMs).toBeGreaterThan(0);
    // The admin sees the reason, not the RPC URL the error names.
    expect(listed!.error).toMatch(/PoolTooSmall/);
    expect(listed!.error).not.toContain(rpcUrl);

    // The worker leaves a failed epoch alone: it needs an operator.
    await run();
    expect((await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } })).attempts).toBe(1);

    await expect(rerunFailedEpoch(db, otherProjectId, epochId, admin.address)).rejects.toBeInstanceOf(DomainError);
    expect(await rerunFailedEpoch(db, projectId, epochId, admin.address)).toEqual({ rerun: true, status: "proved" });
    expect(await rerunFailedEpoch(db, projectId, epochId, admin.address)).toEqual({ rerun: false, status: "proved" });
    row = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    expect(row).toMatchObject({ status: "proved", attempts: 0, error: null, leaseOwner: null });
    const reruns = (await db.adminAuditEntry.findMany({ where: { projectId, action: "rewards.epoch.rerun" } })).map((entry) => entry.details);
    expect(reruns).toEqual([expect.objectContaining({ epochId, epoch, resumeAt: "proved", previousError: expect.stringMatching(/PoolTooSmall/) })]);

    const amount = BigInt(row.paidTotal.toFixed(0));
    await fundRewardPool(chain, onchainProjectId, amount);
    await run();

    row = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    expect(row.status).toBe("confirmed");
    const lastEpoch = await publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "lastEpochOf", args: [onchainProjectId] });
    expect(lastEpoch).toBe(BigInt(epoch));
    [listed] = await projectEpochs(db, projectId);
    expect(listed).toMatchObject({ status: "confirmed", error: null, attempts: 0 });
    expect(listed!.timings.finalizeMs).toBeGreaterThanOrEqual(0);
    const audit = await auditLog(db, { id: projectId, chainId: 31337, onchainId: onchainProjectId });
    expect(audit.some((entry) => entry.action === "rewards.epoch.rerun" && entry.summary.includes(String(epoch)))).toBe(true);
  }, 240_000);

  it("shows each device's earnings from the finalized epoch in the fleet table, sortable in the database", async () => {
    const paid = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { amount: "desc" } });
    const page = await fleetPage(db, projectId, parseFleetQuery({ sort: "earnings", dir: "desc" }));
    expect(page.rows.map((row) => [row.address, row.earned, row.lastEpochEarned])).toEqual(paid.map((row) => [row.device, row.cumulative.toFixed(0), row.amount.toFixed(0)]));
    const ascending = await fleetPage(db, projectId, parseFleetQuery({ sort: "earnings", dir: "asc" }));
    expect(ascending.rows.map((row) => row.address)).toEqual(paid.map((row) => row.device).reverse());
    expect(page.rows[2]!.earned).toBe("0");
  });

  it("publishes the next policy version and audits who did it", async () => {
    const published = await publishPolicyAsAdmin(db, projectId, admin.address, { ...POLICY, coverageBonusBps: 0 });
    expect(published.version).toBe(2);
    const entry = await db.adminAuditEntry.findFirstOrThrow({ where: { projectId, action: "rewards.policy.publish" } });
    expect(entry).toMatchObject({ actor: admin.address, details: expect.objectContaining({ version: 2, coverageBonusBps: 0 }) });
    await expect(publishPolicyAsAdmin(db, projectId, admin.address, { ...POLICY, minQualityMultiplierBps: 10_001 })).rejects.toBeDefined();
  });
});
