import "server-only";
import { getAddress } from "viem";
import type { Prisma, PrismaClient, RewardPolicy } from "../db/generated/client";
import { buildBatchWitness, type BatchPublicSignals, type BatchSlot } from "../proofs/batch";
import { distributorState, epochRootOnChain, ensurePolicyOnChain, finalizeEpochOnChain, submitBatchOnChain, type DistributorClients } from "../proofs/distributor";
import { proveBatch, toSolidityProof, type SolidityProof } from "../proofs/prover";
import { BATCH_SIZE, merkleProof } from "../proofs/tree";
import { assignSlots, readEpochInputs } from "./epoch-inputs";
import { computeEpochRewards, policyFromPublished, type DeviceEpochInputs, type PublishedPolicy, type RewardPolicyParams } from "./policy";

/**
 * The epoch pipeline: computed → proved → submitted → confirmed (docs/rewards.md). Each step reads what the previous
 * one stored, so a crashed worker's successor resumes where it stopped; on-chain steps first ask the contract how far
 * it got. Epochs of a project are processed strictly in order (cumulative amounts chain through them).
 */

export function policyParams(row: RewardPolicy): RewardPolicyParams {
  return {
    version: row.version,
    basePerMinute: BigInt(row.basePerMinute.toFixed(0)),
    minQualityMultiplierBps: row.minQualityMultiplierBps,
    coverageBonusBps: row.coverageBonusBps,
    demandBonusBps: row.demandBonusBps,
    epochBudget: BigInt(row.epochBudget.toFixed(0)),
  };
}

export function epochWindow(epoch: number, epochSeconds: number): { windowStart: Date; windowEnd: Date } {
  return { windowStart: new Date((epoch - 1) * epochSeconds * 1000), windowEnd: new Date(epoch * epochSeconds * 1000) };
}

/** The published inputs document: everything needed to recompute the epoch (docs/rewards.md "Inputs"). */
export interface EpochInputsDocument {
  projectId: number;
  epoch: number;
  windowStart: string;
  windowEnd: string;
  policy: PublishedPolicy;
  policyHash: string;
  slots: { slot: number; device: string; prevCumulative: string; inputs: DeviceEpochInputs }[];
}

/**
 * Computes epoch `epoch` of the project and stores it (status computed). Returns the epoch's id, or null when another
 * worker already computed it: a per-project transaction advisory lock serializes the check and the insert.
 */
export async function computeEpoch(db: PrismaClient, projectId: number, epoch: number, epochSeconds: number, policy: RewardPolicy): Promise<number | null> {
  const started = performance.now();
  const { windowStart, windowEnd } = epochWindow(epoch, epochSeconds);
  const params = policyParams(policy);
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('reward-epochs'), ${projectId})`;
      if (await tx.rewardEpoch.findUnique({ where: { projectId_epoch: { projectId, epoch } }, select: { id: true } })) return null;
      const slots = await assignSlots(tx, projectId);
      const inputs = await readEpochInputs(tx, projectId, windowStart, windowEnd, slots);
      const previous = await previousCumulative(tx, projectId);
      const ordered = slots.map(({ device, slot }) => ({ device, slot, inputs: inputs.get(device)!, prevCumulative: previous.get(device) ?? 0n }));
      const rewards = computeEpochRewards(params, ordered.map((entry) => entry.inputs));
      const batchCount = Math.floor((slots.at(-1)?.slot ?? 0) / BATCH_SIZE) + 1;

      const document: EpochInputsDocument = {
        projectId,
        epoch,
        windowStart: windowStart.toISOString(),
        windowEnd: windowEnd.toISOString(),
        policy: { ...params, basePerMinute: params.basePerMinute.toString(), epochBudget: params.epochBudget.toString() },
        policyHash: policy.policyHash,
        slots: ordered.map((entry) => ({ slot: entry.slot, device: entry.device, prevCumulative: entry.prevCumulative.toString(), inputs: entry.inputs })),
      };
      const created = await tx.rewardEpoch.create({
        data: {
          projectId,
          epoch,
          windowStart,
          windowEnd,
          policyId: policy.id,
          status: "computed",
          deviceCount: slots.length,
          batchCount,
          rawTotal: rewards.rawTotal.toString(),
          paidTotal: rewards.paidTotal.toString(),
          scaled: rewards.scaled,
          inputs: document as unknown as Prisma.InputJsonValue,
          timings: { computeMs: Math.round(performance.now() - started) },
        },
      });

      const batches = buildBatches(ordered, batchCount);
      for (const [batchIndex, slotsOfBatch] of batches.entries()) {
        const witness = buildBatchWitness({ epoch: BigInt(epoch), policy: params, epochRaw: rewards.rawTotal, slots: slotsOfBatch });
        await tx.rewardBatch.create({ data: { epochId: created.id, batchIndex, ...batchColumns(witness.publicSignals) } });
        for (const [i, entry] of ordered.entries()) {
          if (Math.floor(entry.slot / BATCH_SIZE) !== batchIndex) continue;
          const slotInBatch = entry.slot % BATCH_SIZE;
          const terms = rewards.terms[i]!;
          await tx.rewardDeviceEpoch.create({
            data: {
              epochId: created.id,
              device: entry.device,
              slot: entry.slot,
              ...entry.inputs,
              qualityMultiplierBps: Number(terms.qualityMultiplierBps),
              bonusBps: Number(terms.bonusBps),
              raw: terms.raw.toString(),
              amount: terms.amount.toString(),
              cumulative: witness.newCumulative[slotInBatch]!.toString(),
              merkleProof: merkleProof(witness.newLeaves, slotInBatch).map(String),
            },
          });
        }
      }
      return created.id;
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

function batchColumns(signals: BatchPublicSignals) {
  return {
    inputsCommitment: signals.inputsCommitment.toString(),
    prevRoot: signals.prevRoot.toString(),
    newRoot: signals.newRoot.toString(),
    batchRaw: signals.batchRaw.toString(),
    batchPaid: signals.batchPaid.toString(),
  };
}

function buildBatches(ordered: { device: string; slot: number; inputs: DeviceEpochInputs; prevCumulative: bigint }[], batchCount: number): BatchSlot[][] {
  const batches: BatchSlot[][] = Array.from({ length: batchCount }, () => []);
  for (const entry of ordered) {
    const batch = batches[Math.floor(entry.slot / BATCH_SIZE)]!;
    // Slots are dense from 0, so a batch's slots arrive in order; fill any hole with an empty slot.
    while (batch.length < entry.slot % BATCH_SIZE) batch.push({ device: 0n, inputs: { onlineMinutes: 0, qualityScore: 0, underserved: false, inDemand: false, active: false }, prevCumulative: 0n });
    batch.push({ device: BigInt(entry.device), inputs: entry.inputs, prevCumulative: entry.prevCumulative });
  }
  return batches;
}

/** Each device's cumulative amount after the project's last confirmed epoch. */
async function previousCumulative(tx: Prisma.TransactionClient, projectId: number): Promise<Map<string, bigint>> {
  const last = await tx.rewardEpoch.findFirst({ where: { projectId, status: "confirmed" }, orderBy: { epoch: "desc" }, select: { id: true } });
  if (!last) return new Map();
  const rows = await tx.rewardDeviceEpoch.findMany({ where: { epochId: last.id }, select: { device: true, cumulative: true } });
  return new Map(rows.map((row) => [row.device, BigInt(row.cumulative.toFixed(0))]));
}

/** Rebuilds a stored epoch's witnesses from its published inputs document. */
export function witnessesOf(document: EpochInputsDocument, rawTotal: bigint, batchCount: number) {
  const params = policyFromPublished(document.policy);
  const ordered = document.slots.map((entry) => ({ ...entry, prevCumulative: BigInt(entry.prevCumulative) }));
  return buildBatches(ordered, batchCount).map((slots) => buildBatchWitness({ epoch: BigInt(document.epoch), policy: params, epochRaw: rawTotal, slots }));
}

/**
 * Proves every batch without a proof yet (status proved). `signal` (the job's lease) is checked before each batch: a
 * worker that lost the epoch stops between batches, and whoever took it over proves the rest.
 */
export async function proveEpoch(db: PrismaClient, epochId: number, signal?: AbortSignal): Promise<void> {
  const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true } });
  const witnesses = witnessesOf(epoch.inputs as unknown as EpochInputsDocument, BigInt(epoch.rawTotal.toFixed(0)), epoch.batchCount);
  let proveMs = 0;
  for (const batch of epoch.batches.sort((a, b) => a.batchIndex - b.batchIndex)) {
    if (batch.proof) continue;
    signal?.throwIfAborted();
    const proved = await proveBatch(witnesses[batch.batchIndex]!);
    proveMs += proved.provingMs;
    await db.rewardBatch.update({
      where: { epochId_batchIndex: { epochId, batchIndex: batch.batchIndex } },
      data: { proof: proved.proof as unknown as Prisma.InputJsonValue, publicSignals: proved.publicSignals.map(String), provingMs: Math.round(proved.provingMs) },
    });
  }
  await db.rewardEpoch.update({ where: { id: epochId }, data: { status: "proved", timings: { ...(epoch.timings as object), proveMs: Math.round(proveMs) } } });
}

/** Submits the proved batches and finalizes the epoch on-chain (status submitted, then confirmed); `signal` as in proveEpoch. */
export async function submitEpoch(db: PrismaClient, epochId: number, clients: DistributorClients, onchainProjectId: bigint, signal?: AbortSignal): Promise<void> {
  const started = performance.now();
  const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true, policy: true } });
  const witnesses = witnessesOf(epoch.inputs as unknown as EpochInputsDocument, BigInt(epoch.rawTotal.toFixed(0)), epoch.batchCount);
  const params = policyParams(epoch.policy);
  await ensurePolicyOnChain(clients, onchainProjectId, BigInt(epoch.policy.policyHash), params.epochBudget);

  const state = await distributorState(clients, onchainProjectId);
  if (state.lastEpoch < BigInt(epoch.epoch)) {
    const resumeFrom = state.openEpoch === BigInt(epoch.epoch) ? Number(state.batchesSubmitted) : 0;
    for (const batch of epoch.batches.sort((a, b) => a.batchIndex - b.batchIndex)) {
      if (batch.batchIndex < resumeFrom) continue;
      if (!batch.proof) throw new Error(`batch ${batch.batchIndex} of epoch ${epoch.epoch} has no proof`);
      const proof: SolidityProof = toSolidityProof(batch.proof as never);
      signal?.throwIfAborted();
      // The hash is stored before the transaction is sent: if the answer, the node or the database is lost after the
      // chain took it, the successor that finds the batch on-chain still has its transaction.
      await submitBatchOnChain(clients, onchainProjectId, batch.batchIndex, witnesses[batch.batchIndex]!.publicSignals, proof, async (hash) => {
        await db.rewardBatch.update({ where: { epochId_batchIndex: { epochId, batchIndex: batch.batchIndex } }, data: { submitTx: hash } });
      });
    }
    await db.rewardEpoch.update({ where: { id: epochId }, data: { status: "submitted" } });
    const submitMs = Math.round(performance.now() - started);
    signal?.throwIfAborted();
    const finalizeStarted = performance.now();
    const { epochRoot } = await finalizeEpochOnChain(clients, onchainProjectId, BigInt(epoch.epoch), async (hash) => {
      await db.rewardEpoch.update({ where: { id: epochId }, data: { finalizeTx: hash } });
    });
    await db.rewardEpoch.update({
      where: { id: epochId },
      data: {
        status: "confirmed",
        epochRoot,
        confirmedAt: new Date(),
        timings: { ...(epoch.timings as object), submitMs, finalizeMs: Math.round(performance.now() - finalizeStarted) },
      },
    });
    return;
  }
  // Already finalized on-chain by an earlier attempt whose database update was lost (a worker killed in between;
  // its transaction hash was stored before it was sent): the root claims are proved against is the chain's.
  const epochRoot = await epochRootOnChain(clients, onchainProjectId, BigInt(epoch.epoch));
  await db.rewardEpoch.update({ where: { id: epochId }, data: { status: "confirmed", epochRoot, confirmedAt: new Date() } });
}

/** A device's claim argument from its latest confirmed epoch (for /earnings' "claim all"). */
export async function claimRequestFor(db: PrismaClient, projectId: number, onchainProjectId: bigint, device: string) {
  const row = await db.rewardDeviceEpoch.findFirst({
    where: { device: device.toLowerCase(), epoch: { projectId, status: "confirmed" } },
    orderBy: { epoch: { epoch: "desc" } },
  });
  if (!row || row.cumulative.isZero()) return null;
  const proof = (row.merkleProof as string[]).map(BigInt);
  return {
    projectId: onchainProjectId,
    device: getAddress(row.device),
    batchIndex: BigInt(Math.floor(row.slot / BATCH_SIZE)),
    slotInBatch: BigInt(row.slot % BATCH_SIZE),
    cumulative: BigInt(row.cumulative.toFixed(0)),
    merkleProof: [proof[0]!, proof[1]!, proof[2]!, proof[3]!] as const,
  };
}
