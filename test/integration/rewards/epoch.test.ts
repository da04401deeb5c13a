import type pg from "pg";
import { BaseError, ContractFunctionRevertedError } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { buildBatchWitness } from "../../../lib/proofs/batch";
import { submitBatchOnChain } from "../../../lib/proofs/distributor";
import { proveBatch } from "../../../lib/proofs/prover";
import { claimRequestFor, computeEpoch, proveEpoch, submitEpoch, witnessesOf, type EpochInputsDocument } from "../../../lib/rewards/epoch";
import { publishPolicy } from "../../../lib/rewards/policies";
import { testPool, type TestDevice } from "../ingest/helpers";
import { createRewardProject, EPOCH_SECONDS, everyMinute, fundRewardPool, lastClosedEpoch, POLICY, POOL_FUNDS, rewardChain, sendReadings } from "./harness";

const db = createDbClient(inject("databaseUrl"));
const chain = rewardChain(inject("rpcUrl"), readDeployment(inject("deploymentsFile"), 31337)!);
const { publicClient, admin, clients, send: write } = chain;
const owner = privateKeyToAccount(generatePrivateKey());
const { epoch, windowStart } = lastClosedEpoch();

let pool: pg.Pool;
let projectId: number;
let onchainProjectId: bigint;
let devices: [TestDevice, TestDevice, TestDevice];

async function revertName(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : `not a revert: ${String(error)}`;
  }
  return undefined;
}

beforeAll(async () => {
  pool = testPool();
  const project = await createRewardProject(db, chain, { name: "Rewards", slug: "rewards", devices: 3, claimedBy: { owner: owner.address, count: 2 } });
  ({ projectId, onchainProjectId } = project);
  devices = project.devices as typeof devices;
  // Device 0 online 5 minutes, device 1 online 3 minutes (two readings in one minute count once), device 2 silent.
  await sendReadings(pool, windowStart, [
    { device: devices[0], offsetsMs: everyMinute(5, 5_000) },
    { device: devices[1], offsetsMs: [0, 20_000, 60_000, 120_000].map((offset) => offset + 1_000) },
  ]);
  await publishPolicy(db, projectId, POLICY);
  await fundRewardPool(chain, onchainProjectId, POOL_FUNDS);
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("reward epoch pipeline", () => {
  let epochId: number;

  it("computes an epoch exactly once even when two workers race", async () => {
    const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
    const results = await Promise.all([computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy), computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy)]);
    expect(results.filter((id) => id !== null)).toHaveLength(1);
    epochId = results.find((id) => id !== null)!;
    const rows = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { slot: "asc" } });
    expect(rows.map((row) => [row.slot, row.onlineMinutes])).toEqual([
      [0, 5],
      [1, 3],
      [2, 0],
    ]);
    const [first, second, silent] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(first.amount.gt(second.amount)).toBe(true);
    expect(silent.amount.toFixed(0)).toBe("0");
  });

  it("proves, submits and finalizes on-chain; the owner's claim pays the amount shown; a second claim pays nothing", async () => {
    await proveEpoch(db, epochId);
    await submitEpoch(db, epochId, clients, onchainProjectId);
    const stored = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true } });
    const batch = stored.batches[0]!;
    expect(stored.status).toBe("confirmed");
    expect(batch.submitTx).toMatch(/^0x[0-9a-f]{64}$/);
    const onchainRoot = await publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "batchRootOf", args: [onchainProjectId, 0n] });
    expect(onchainRoot.toString()).toBe(batch.newRoot);

    const request = (await claimRequestFor(db, projectId, onchainProjectId, devices[0].address))!;
    const shown = await db.rewardDeviceEpoch.findUniqueOrThrow({ where: { epochId_device: { epochId, device: devices[0].address } } });
    const balance = () => chain.balanceOf(owner.address);
    const before = await balance();
    await write({ chain: null, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
    expect((await balance()) - before).toBe(BigInt(shown.amount.toFixed(0)));
    await write({ chain: null, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
    expect((await balance()) - before).toBe(BigInt(shown.amount.toFixed(0)));
  }, 120_000);

  it("rejects a replayed root, a tampered proof and a forged claim; accepts the genuine next batch", async () => {
    const stored = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true } });
    const document = stored.inputs as unknown as EpochInputsDocument;
    const previous = witnessesOf(document, BigInt(stored.rawTotal.toFixed(0)), stored.batchCount)[0]!;
    const replay = await proveBatch({ ...previous, input: { ...previous.input, epoch: String(epoch + 1) }, publicSignals: { ...previous.publicSignals, epoch: BigInt(epoch + 1) } });
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, { ...previous.publicSignals, epoch: BigInt(epoch + 1) }, replay.solidity))).toBe("PrevRootMismatch");

    const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
    const next = buildBatchWitness({
      epoch: BigInt(epoch + 1),
      policy: { version: policy.version, basePerMinute: BigInt(policy.basePerMinute.toFixed(0)), minQualityMultiplierBps: policy.minQualityMultiplierBps, coverageBonusBps: policy.coverageBonusBps, demandBonusBps: policy.demandBonusBps, epochBudget: BigInt(policy.epochBudget.toFixed(0)) },
      epochRaw: previous.publicSignals.batchRaw,
      slots: document.slots.map((slot, i) => ({ device: BigInt(slot.device), inputs: slot.inputs, prevCumulative: previous.newCumulative[i]! })),
    });
    const proof = await proveBatch(next);
    const tampered = { ...proof.solidity, a: [proof.solidity.a[0], proof.solidity.a[1] + 1n] as const };
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, next.publicSignals, tampered))).not.toBeUndefined();
    const inflated = { ...next.publicSignals, batchPaid: next.publicSignals.batchPaid + 1n };
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, inflated, proof.solidity))).toBe("InvalidProof");
    await submitBatchOnChain(clients, onchainProjectId, 0, next.publicSignals, proof.solidity);

    const forged = (await claimRequestFor(db, projectId, onchainProjectId, devices[1].address))!;
    expect(await revertName(() => publicClient.simulateContract({ account: admin, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [{ ...forged, cumulative: forged.cumulative * 2n }] }))).toBe(
      "InvalidMerkleProof",
    );
  }, 180_000);
});
