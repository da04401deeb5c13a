import type pg from "pg";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { ownerClaimArguments, ownerEarnings, ownerEarningsCsv } from "../../../lib/rewards/earnings";
import { computeEpoch, epochWindow, proveEpoch, submitEpoch } from "../../../lib/rewards/epoch";
import { publishPolicy } from "../../../lib/rewards/policies";
import { rawReward, scaleToBudget } from "../../../lib/rewards/policy";
import { epochDetail, epochInputsDocument, explainDeviceEarning, listEpochs } from "../../../lib/rewards/proofs-view";
import { createClaimedReader } from "../../../lib/rewards/runtime";
import { testPool, type TestDevice } from "../ingest/helpers";
import { createRewardProject, EPOCH_SECONDS, everyMinute, fundRewardPool, lastClosedEpoch, POLICY, POOL_FUNDS, rewardChain, sendReadings } from "./harness";

const db = createDbClient(inject("databaseUrl"));
const rpcUrl = inject("rpcUrl");
const chain = rewardChain(rpcUrl, readDeployment(inject("deploymentsFile"), 31337)!);
const { deployment, publicClient, clients, send: write, balanceOf } = chain;
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey()).address;
const reader = createClaimedReader(rpcUrl, deployment.contracts.RewardDistributor);
const { epoch, windowStart } = lastClosedEpoch();

let pool: pg.Pool;
let projectId: number;
let onchainProjectId: bigint;
let epochId: number;
let devices: [TestDevice, TestDevice];

beforeAll(async () => {
  pool = testPool();
  const project = await createRewardProject(db, chain, { name: "Earnings", slug: "earnings", devices: 2, claimedBy: { owner: owner.address, count: 2 } });
  ({ projectId, onchainProjectId } = project);
  devices = project.devices as typeof devices;
  // Device 0 online 4 minutes, device 1 online 2 minutes.
  await sendReadings(pool, windowStart, [
    { device: devices[0], offsetsMs: everyMinute(4, 5_000) },
    { device: devices[1], offsetsMs: everyMinute(2, 7_000) },
  ]);
  await publishPolicy(db, projectId, POLICY);
  await fundRewardPool(chain, onchainProjectId, POOL_FUNDS);

  const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
  epochId = (await computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy))!;
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("owner earnings and the public proofs view", () => {
  let amounts: [bigint, bigint];

  it("shows a computed epoch as pending, nothing claimable, and no claim arguments yet", async () => {
    const rows = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { slot: "asc" } });
    amounts = [BigInt(rows[0]!.amount.toFixed(0)), BigInt(rows[1]!.amount.toFixed(0))];
    expect(amounts[0]).toBeGreaterThan(amounts[1]);
    expect(amounts[1]).toBeGreaterThan(0n);

    const summary = await ownerEarnings(db, owner.address, { claimed: reader });
    const total = (amounts[0] + amounts[1]).toString();
    expect(summary.deviceCount).toBe(2);
    expect(summary.epochCount).toBe(1);
    expect(summary.pending).toBe(total);
    expect(summary.claimable).toBe("0");
    expect(summary.totals.allTime).toBe(total);
    expect(summary.totals.last7Days).toBe(total);
    expect(summary.perDay.at(-1)?.amount).toBe(epochWindow(epoch, EPOCH_SECONDS).windowStart.toISOString().slice(0, 10) === summary.perDay.at(-1)?.day ? total : "0");
    expect(summary.perDay.reduce((s, d) => s + BigInt(d.amount), 0n).toString()).toBe(total);
    expect(BigInt(summary.monthlyProjection)).toBeGreaterThan(0n);
    expect(await ownerClaimArguments(db, owner.address, reader)).toEqual([]);
  });

  it("someone else's devices earn nothing for a stranger", async () => {
    const summary = await ownerEarnings(db, stranger, { claimed: reader });
    expect(summary.deviceCount).toBe(0);
    expect(summary.totals.allTime).toBe("0");
    expect(summary.perDay).toEqual([]);
    expect(await ownerClaimArguments(db, stranger, reader)).toEqual([]);
    expect((await ownerEarningsCsv(db, stranger)).trim().split("\r\n")).toHaveLength(1);
  });

  it("after confirmation: claimable = cumulative; claimMany with the claim arguments pays exactly that; then claimed, nothing claimable", async () => {
    await proveEpoch(db, epochId);
    await submitEpoch(db, epochId, clients, onchainProjectId);
    const confirmed = await ownerEarnings(db, owner.address, { claimed: reader });
    const total = amounts[0] + amounts[1];
    expect(confirmed.pending).toBe("0");
    expect(confirmed.claimable).toBe(total.toString());
    expect(confirmed.claimed).toBe("0");

    const claims = await ownerClaimArguments(db, owner.address, reader);
    expect(claims.map((c) => c.device).sort()).toEqual(devices.map((d) => getAddress(d.address)).sort());
    const before = await balanceOf(owner.address);
    await write({
      chain: null,
      address: deployment.contracts.RewardDistributor,
      abi: rewardDistributorAbi,
      functionName: "claimMany",
      args: [
        claims.map((c) => ({
          projectId: BigInt(c.projectId),
          device: c.device,
          batchIndex: BigInt(c.batchIndex),
          slotInBatch: BigInt(c.slotInBatch),
          cumulative: BigInt(c.cumulative),
          merkleProof: c.merkleProof.map(BigInt) as [bigint, bigint, bigint, bigint],
        })),
      ],
    });
    expect((await balanceOf(owner.address)) - before).toBe(total);

    const after = await ownerEarnings(db, owner.address, { claimed: reader });
    expect(after.claimed).toBe(total.toString());
    expect(after.claimable).toBe("0");
    expect(after.totals.allTime).toBe(total.toString());
    expect(await ownerClaimArguments(db, owner.address, reader)).toEqual([]);
  }, 180_000);

  it("exports every epoch result of the owner's devices as CSV", async () => {
    const lines = (await ownerEarningsCsv(db, owner.address)).trim().split("\r\n");
    expect(lines[0]).toBe("epoch,project_id,window_start,device,status,amount,cumulative,source,token,order_id");
    expect(lines.slice(1).sort()).toEqual(
      devices
        .map((d, i) => [epoch, projectId, windowStart.toISOString(), getAddress(d.address), "confirmed", amounts[i as 0 | 1], amounts[i as 0 | 1], "reward", "DHR", ""].join(","))
        .sort(),
    );
  });

  it("lists the epoch publicly and details its proofs, transactions and inputs document", async () => {
    expect((await listEpochs(db)).find((e) => e.id === epochId)).toMatchObject({ epoch, status: "confirmed", deviceCount: 2, paidTotal: (amounts[0] + amounts[1]).toString() });
    const detail = (await epochDetail(db, epochId))!;
    expect(detail.finalizeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(detail.epochRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(detail.batches).toHaveLength(1);
    const batch = detail.batches[0]!;
    expect(batch.submitTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(batch.publicSignals).toHaveLength(9);
    expect(batch.publicSignals![2]).toBe(batch.inputsCommitment);
    expect(batch.publicSignals![4]).toBe(batch.newRoot);
    const onchainRoot = await publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "batchRootOf", args: [onchainProjectId, 0n] });
    expect(onchainRoot.toString()).toBe(batch.newRoot);
    const document = (await epochInputsDocument(db, epochId))!;
    expect(document.slots.map((s) => s.device)).toEqual(devices.map((d) => d.address));
    expect(await epochDetail(db, 2_000_000_000)).toBeNull();
  });

  it("explains a device's amount with the policy terms, which recompute it", async () => {
    const why = (await explainDeviceEarning(db, epochId, getAddress(devices[0].address)))!;
    expect(why.inputs.onlineMinutes).toBe(4);
    const policy = {
      version: why.policy.version,
      basePerMinute: BigInt(why.policy.basePerMinute),
      minQualityMultiplierBps: why.policy.minQualityMultiplierBps,
      coverageBonusBps: why.policy.coverageBonusBps,
      demandBonusBps: why.policy.demandBonusBps,
      epochBudget: BigInt(why.policy.epochBudget),
    };
    const terms = rawReward(policy, why.inputs);
    expect([Number(terms.qualityMultiplierBps), Number(terms.bonusBps), terms.raw.toString()]).toEqual([why.qualityMultiplierBps, why.bonusBps, why.raw]);
    expect(scaleToBudget(terms.raw, BigInt(why.rawTotal), policy.epochBudget).toString()).toBe(why.amount);
    expect(why.amount).toBe(amounts[0].toString());
    expect(await explainDeviceEarning(db, epochId, stranger)).toBeNull();
  });
});
