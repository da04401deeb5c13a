import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createPublicClient, createWalletClient, getAddress, http, stringToHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { auditLog } from "@/lib/admin/audit";
import { fleetPage } from "@/lib/admin/fleet";
import { parseFleetQuery } from "@/lib/admin/fleet-query";
import { previewDraftPolicy, projectEpochs, publishPolicyAsAdmin, rerunFailedEpoch } from "@/lib/admin/reward-ops";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { readDeployment } from "@/lib/chain/deployments";
import { createDbClient } from "@/lib/db/create-client";
import { DomainError } from "@/lib/http/errors";
import type { DistributorClients } from "@/lib/proofs/distributor";
import { computeEpoch, epochWindow } from "@/lib/rewards/epoch";
import { createRewardEpochJob } from "@/lib/rewards/epoch-job";
import { publishPolicy } from "@/lib/rewards/policies";
import { postTelemetry, signed, testHttpDeps, testPool, wire, type TestDevice } from "../ingest/helpers";

const EPOCH_SECONDS = 600;
const db = createDbClient(inject("databaseUrl"));
const rpcUrl = inject("rpcUrl");
const deployment = readDeployment(inject("deploymentsFile"), 31337)!;
const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const publicClient = createPublicClient({ transport: http(rpcUrl) });
const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
const clients: DistributorClients = { publicClient, walletClient, address: deployment.contracts.RewardDistributor };
// A finished epoch inside the ingest clock window (readings up to 24 h old are accepted).
const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
const { windowStart, windowEnd } = epochWindow(epoch, EPOCH_SECONDS);
const POLICY = { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" };

let pool: pg.Pool;
let projectId: number;
let otherProjectId: number;
let onchainProjectId: bigint;
let epochId: number;
let devices: [TestDevice, TestDevice, TestDevice];

async function write(request: Parameters<typeof walletClient.writeContract>[0]): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
  expect(receipt.status).toBe("success");
}

beforeAll(async () => {
  pool = testPool();
  const { request, result } = await publicClient.simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Reward ops", "ipfs://reward-ops", deployment.contracts.RewardToken],
  });
  await write(request);
  onchainProjectId = result;
  const newDevice = (): TestDevice => {
    const privateKey = generatePrivateKey();
    return { privateKey, address: privateKeyToAccount(privateKey).address.toLowerCase() as Hex };
  };
  devices = [newDevice(), newDevice(), newDevice()];
  await write({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [onchainProjectId, devices.map((d) => ({ device: getAddress(d.address), model: stringToHex("AQ", { size: 32 }), claimKey: "0x0000000000000000000000000000000000000000" as Address }))],
  });
  const suffix = randomBytes(6).toString("hex");
  projectId = (await db.project.create({ data: { chainId: 31337, onchainId: onchainProjectId, slug: `reward-ops-${suffix}`, name: "Reward ops", adminAddress: admin.address } })).id;
  otherProjectId = (await db.project.create({ data: { chainId: 31337, slug: `reward-ops-other-${suffix}`, name: "Other", adminAddress: admin.address } })).id;
  await db.device.createMany({ data: devices.map((d, i) => ({ address: d.address, projectId, model: "AQ", registeredBlock: BigInt(i + 1) })) });

  // Device 0 online 4 minutes, device 1 online 2 minutes, device 2 silent.
  const messages = [];
  for (let minute = 0; minute < 4; minute++) messages.push(await signed(devices[0], minute + 1, { timestamp: windowStart.getTime() + minute * 60_000 + 5_000 }));
  for (let minute = 0; minute < 2; minute++) messages.push(await signed(devices[1], minute + 1, { timestamp: windowStart.getTime() + minute * 60_000 + 7_000 }));
  expect((await postTelemetry(testHttpDeps(pool), wire(messages))).status).toBe(200);
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
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, amount] });
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [clients.address, amount] });
    await write({ chain: null, address: clients.address, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, amount] });
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
