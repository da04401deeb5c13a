/**
 * Witness and public signals for one batch proof (circuits/reward_batch.circom), computed with the same
 * policy code the epoch pipeline uses (lib/rewards/policy.ts). Pure.
 */
import { rawReward, scaleToBudget, validatePolicy, type DeviceEpochInputs, type RewardPolicyParams } from "../rewards/policy";
import { BATCH_SIZE, batchRoot, inputsCommitment, leafHash, policyHash } from "./tree";

export interface BatchSlot {
  /** The device address as a number (BigInt of the 0x-address); 0n for an empty slot. */
  device: bigint;
  inputs: DeviceEpochInputs;
  /** The device's cumulative amount after the previous epoch (0n if it never earned). */
  prevCumulative: bigint;
}

/** The proof's public inputs, in the circuit's order (PUBLIC_SIGNAL_ORDER). */
export interface BatchPublicSignals {
  epoch: bigint;
  policyHash: bigint;
  inputsCommitment: bigint;
  prevRoot: bigint;
  newRoot: bigint;
  batchRaw: bigint;
  batchPaid: bigint;
  epochRaw: bigint;
  budget: bigint;
}

export const PUBLIC_SIGNAL_ORDER = ["epoch", "policyHash", "inputsCommitment", "prevRoot", "newRoot", "batchRaw", "batchPaid", "epochRaw", "budget"] as const satisfies readonly (keyof BatchPublicSignals)[];

export interface BatchWitness {
  /** The circuit's input signals, as decimal strings (what snarkjs takes). */
  input: Record<string, string | string[]>;
  publicSignals: BatchPublicSignals;
  /** Per slot: this epoch's amount and the new cumulative total. */
  amounts: bigint[];
  newCumulative: bigint[];
  /** The new batch tree's leaves (for claim proofs). */
  newLeaves: bigint[];
}

export const EMPTY_SLOT: BatchSlot = {
  device: 0n,
  inputs: { onlineMinutes: 0, qualityScore: 0, underserved: false, inDemand: false, active: false },
  prevCumulative: 0n,
};

/** Pads `slots` to a full batch with empty slots. */
export function padBatch(slots: readonly BatchSlot[]): BatchSlot[] {
  if (slots.length > BATCH_SIZE) throw new Error(`at most ${BATCH_SIZE} slots per batch, got ${slots.length}`);
  return [...slots, ...new Array<BatchSlot>(BATCH_SIZE - slots.length).fill(EMPTY_SLOT)];
}

export function buildBatchWitness(params: { epoch: bigint; policy: RewardPolicyParams; epochRaw: bigint; slots: readonly BatchSlot[] }): BatchWitness {
  const { epoch, policy, epochRaw } = params;
  validatePolicy(policy);
  const slots = padBatch(params.slots);
  const raws = slots.map((slot) => rawReward(policy, slot.inputs).raw);
  const amounts = raws.map((raw) => scaleToBudget(raw, epochRaw, policy.epochBudget));
  const newCumulative = slots.map((slot, i) => slot.prevCumulative + amounts[i]!);
  const newLeaves = slots.map((slot, i) => leafHash(slot.device, newCumulative[i]!));
  const publicSignals: BatchPublicSignals = {
    epoch,
    policyHash: policyHash(policy),
    inputsCommitment: inputsCommitment(slots),
    prevRoot: batchRoot(slots.map((slot) => leafHash(slot.device, slot.prevCumulative))),
    newRoot: batchRoot(newLeaves),
    batchRaw: raws.reduce((a, b) => a + b, 0n),
    batchPaid: amounts.reduce((a, b) => a + b, 0n),
    epochRaw,
    budget: policy.epochBudget,
  };
  const column = (pick: (slot: BatchSlot) => bigint | number | boolean) => slots.map((slot) => String(typeof pick(slot) === "boolean" ? Number(pick(slot)) : pick(slot)));
  const input: Record<string, string | string[]> = {
    ...Object.fromEntries(PUBLIC_SIGNAL_ORDER.map((key) => [key, publicSignals[key].toString()])),
    policyVersion: String(policy.version),
    basePerMinute: policy.basePerMinute.toString(),
    minQualityMultiplierBps: String(policy.minQualityMultiplierBps),
    coverageBonusBps: String(policy.coverageBonusBps),
    demandBonusBps: String(policy.demandBonusBps),
    device: column((slot) => slot.device),
    onlineMinutes: column((slot) => slot.inputs.onlineMinutes),
    qualityScore: column((slot) => slot.inputs.qualityScore),
    underserved: column((slot) => slot.inputs.underserved),
    inDemand: column((slot) => slot.inputs.inDemand),
    active: column((slot) => slot.inputs.active),
    prevCumulative: column((slot) => slot.prevCumulative),
  };
  return { input, publicSignals, amounts, newCumulative, newLeaves };
}

export function publicSignalsArray(signals: BatchPublicSignals): bigint[] {
  return PUBLIC_SIGNAL_ORDER.map((key) => signals[key]);
}
