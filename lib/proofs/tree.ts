/**
 * The reward Merkle trees, hashed exactly as circuits/reward_batch.circom and RewardDistributor.sol do
 * (Poseidon over BN254, circomlib's constants, via poseidon-lite). Pure: safe in the browser too, so anyone
 * can check a claim proof or recompute a batch root from the published inputs.
 */
import { poseidon2 } from "poseidon-lite/poseidon2";
import { poseidon6 } from "poseidon-lite/poseidon6";
import { poseidon16 } from "poseidon-lite/poseidon16";
import type { DeviceEpochInputs, RewardPolicyParams } from "../rewards/policy";

/** Slots per batch (one proof each): 2^BATCH_DEPTH. Fixed by the circuit. */
export const BATCH_DEPTH = 4;
export const BATCH_SIZE = 1 << BATCH_DEPTH;

/** A slot's leaf: 0 while its cumulative amount is 0 (empty or not yet earning), else Poseidon(device, cumulative). */
export function leafHash(device: bigint, cumulative: bigint): bigint {
  return cumulative === 0n ? 0n : poseidon2([device, cumulative]);
}

/** Every level of the batch tree, leaves first; levels[BATCH_DEPTH][0] is the root. */
export function batchTreeLevels(leaves: readonly bigint[]): bigint[][] {
  if (leaves.length !== BATCH_SIZE) throw new Error(`a batch has ${BATCH_SIZE} leaves, got ${leaves.length}`);
  const levels: bigint[][] = [[...leaves]];
  let below = levels[0]!;
  while (below.length > 1) {
    const level: bigint[] = [];
    for (let i = 0; i < below.length; i += 2) level.push(poseidon2([below[i]!, below[i + 1]!]));
    levels.push(level);
    below = level;
  }
  return levels;
}

export function batchRoot(leaves: readonly bigint[]): bigint {
  return batchTreeLevels(leaves)[BATCH_DEPTH]![0]!;
}

/** Root of a batch nobody has earned in yet; the distributor starts every batch from it. */
export const EMPTY_BATCH_ROOT = batchRoot(new Array<bigint>(BATCH_SIZE).fill(0n));

/** Sibling hashes from the leaf up (what RewardDistributor.claim takes). */
export function merkleProof(leaves: readonly bigint[], slotInBatch: number): bigint[] {
  const levels = batchTreeLevels(leaves);
  const proof: bigint[] = [];
  let index = slotInBatch;
  for (let depth = 0; depth < BATCH_DEPTH; depth++) {
    proof.push(levels[depth]![index ^ 1]!);
    index >>= 1;
  }
  return proof;
}

export function rootFromProof(leaf: bigint, slotInBatch: number, proof: readonly bigint[]): bigint {
  let node = leaf;
  let index = slotInBatch;
  for (const sibling of proof) {
    node = index & 1 ? poseidon2([sibling, node]) : poseidon2([node, sibling]);
    index >>= 1;
  }
  return node;
}

/** Public identifier of a policy version: a public input of every proof made under it. */
export function policyHash(policy: RewardPolicyParams): bigint {
  return poseidon6([
    BigInt(policy.version),
    policy.basePerMinute,
    BigInt(policy.minQualityMultiplierBps),
    BigInt(policy.coverageBonusBps),
    BigInt(policy.demandBonusBps),
    policy.epochBudget,
  ]);
}

/** One field element for a device's inputs: minutes | quality << 16 | underserved << 23 | inDemand << 24 | active << 25. */
export function packInputs(inputs: DeviceEpochInputs): bigint {
  return (
    BigInt(inputs.onlineMinutes) +
    (BigInt(inputs.qualityScore) << 16n) +
    ((inputs.underserved ? 1n : 0n) << 23n) +
    ((inputs.inDemand ? 1n : 0n) << 24n) +
    ((inputs.active ? 1n : 0n) << 25n)
  );
}

/** Commitment to one batch's published inputs: Poseidon16 over Poseidon(device, packed inputs) per slot. */
export function inputsCommitment(slots: readonly { device: bigint; inputs: DeviceEpochInputs }[]): bigint {
  if (slots.length !== BATCH_SIZE) throw new Error(`a batch has ${BATCH_SIZE} slots, got ${slots.length}`);
  return poseidon16(slots.map((slot) => poseidon2([slot.device, packInputs(slot.inputs)])));
}
