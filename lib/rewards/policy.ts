/**
 * The reward policy: a pure, integer-only function from per-device epoch inputs to token amounts.
 *
 * The circuit (circuits/reward_batch.circom) recomputes exactly these formulas, with the same floor
 * divisions and the same bounds, so every constant and rounding step here is part of the proof's
 * statement. Change one side only together with the other (and a new trusted setup, docs/rewards.md).
 *
 *   qualityMultiplierBps = minQualityMultiplierBps + floor((10000 − minQualityMultiplierBps) · quality / 100)
 *   bonusBps             = 10000 + coverageBonusBps · underserved + demandBonusBps · inDemand
 *   raw                  = active ? floor(basePerMinute · onlineMinutes · qualityMultiplierBps · bonusBps / 10⁸) : 0
 *   amount               = Σraw > epochBudget ? floor(raw · epochBudget / Σraw) : raw
 *
 * One floor division for raw (not one per factor) is both more precise and cheaper to prove.
 * Σamount ≤ epochBudget always: Σ floor(rawᵢ·B/R) ≤ floor(Σrawᵢ·B/R) = B when R = Σrawᵢ.
 */

export const BPS = 10_000n;
/** Circuit bit widths: an input outside them has no proof, so policy.ts rejects it too. */
export const LIMITS = {
  /** 16 bits: an epoch of up to 45 days. */
  onlineMinutesBits: 16,
  basePerMinuteBits: 64,
  bonusBpsBits: 16,
  /** Budget and epoch raw total: 120 bits (far above any token supply in wei). */
  totalBits: 120,
} as const;

export interface RewardPolicyParams {
  /** Policy version within the project, 1, 2, … (part of the policy hash). */
  version: number;
  /** Token base units earned per online minute at full quality and no bonus. */
  basePerMinute: bigint;
  /** Multiplier at quality 0, in basis points (0…10000); quality 100 gives 10000. */
  minQualityMultiplierBps: number;
  /** Extra basis points for a device in an under-served H3 cell. */
  coverageBonusBps: number;
  /** Extra basis points for a device where consumers asked for data. */
  demandBonusBps: number;
  /** The most the epoch pays in total, in token base units. */
  epochBudget: bigint;
}

/** The parameters as an epoch's published inputs document carries them: numbers and decimal strings. */
export type PublishedPolicy = Record<keyof RewardPolicyParams, string | number>;

export function policyFromPublished(policy: PublishedPolicy): RewardPolicyParams {
  return {
    version: Number(policy.version),
    basePerMinute: BigInt(policy.basePerMinute),
    minQualityMultiplierBps: Number(policy.minQualityMultiplierBps),
    coverageBonusBps: Number(policy.coverageBonusBps),
    demandBonusBps: Number(policy.demandBonusBps),
    epochBudget: BigInt(policy.epochBudget),
  };
}

export interface DeviceEpochInputs {
  onlineMinutes: number;
  /** 0…100. */
  qualityScore: number;
  underserved: boolean;
  inDemand: boolean;
  active: boolean;
}

/** Every intermediate value, so a device owner can see why the amount is what it is. */
export interface RewardTerms {
  qualityMultiplierBps: bigint;
  bonusBps: bigint;
  raw: bigint;
  amount: bigint;
}

export interface EpochRewards {
  terms: RewardTerms[];
  rawTotal: bigint;
  paidTotal: bigint;
  /** True when Σraw exceeded the budget and every amount was scaled down. */
  scaled: boolean;
}

export class RewardPolicyError extends Error {
  override name = "RewardPolicyError";
}

const fitsBits = (value: bigint, bits: number) => value >= 0n && value < 1n << BigInt(bits);

export function validatePolicy(policy: RewardPolicyParams): void {
  const fail = (message: string) => {
    throw new RewardPolicyError(message);
  };
  if (!Number.isSafeInteger(policy.version) || policy.version < 1 || policy.version >= 2 ** 32) fail("version must be an integer in 1…2³²−1");
  if (!fitsBits(policy.basePerMinute, LIMITS.basePerMinuteBits)) fail("basePerMinute must be in 0…2⁶⁴−1");
  if (!Number.isInteger(policy.minQualityMultiplierBps) || policy.minQualityMultiplierBps < 0 || policy.minQualityMultiplierBps > 10_000) {
    fail("minQualityMultiplierBps must be an integer in 0…10000");
  }
  for (const key of ["coverageBonusBps", "demandBonusBps"] as const) {
    const value = policy[key];
    if (!Number.isInteger(value) || !fitsBits(BigInt(value), LIMITS.bonusBpsBits)) fail(`${key} must be an integer in 0…65535`);
  }
  if (!fitsBits(policy.epochBudget, LIMITS.totalBits)) fail("epochBudget must be in 0…2¹²⁰−1");
}

export function validateInputs(inputs: DeviceEpochInputs): void {
  if (!Number.isInteger(inputs.onlineMinutes) || !fitsBits(BigInt(inputs.onlineMinutes), LIMITS.onlineMinutesBits)) {
    throw new RewardPolicyError("onlineMinutes must be an integer in 0…65535");
  }
  if (!Number.isInteger(inputs.qualityScore) || inputs.qualityScore < 0 || inputs.qualityScore > 100) {
    throw new RewardPolicyError("qualityScore must be an integer in 0…100");
  }
}

/** The device's reward before budget scaling, with its terms (amount = raw here). */
export function rawReward(policy: RewardPolicyParams, inputs: DeviceEpochInputs): RewardTerms {
  validateInputs(inputs);
  const minQ = BigInt(policy.minQualityMultiplierBps);
  const qualityMultiplierBps = minQ + ((BPS - minQ) * BigInt(inputs.qualityScore)) / 100n;
  const bonusBps =
    BPS + BigInt(policy.coverageBonusBps) * (inputs.underserved ? 1n : 0n) + BigInt(policy.demandBonusBps) * (inputs.inDemand ? 1n : 0n);
  const raw = inputs.active ? (policy.basePerMinute * BigInt(inputs.onlineMinutes) * qualityMultiplierBps * bonusBps) / (BPS * BPS) : 0n;
  return { qualityMultiplierBps, bonusBps, raw, amount: raw };
}

/** Applies the budget: amount = raw, or floor(raw · budget / rawTotal) when rawTotal > budget. */
export function scaleToBudget(raw: bigint, rawTotal: bigint, budget: bigint): bigint {
  return rawTotal > budget ? (raw * budget) / rawTotal : raw;
}

/** Every device's terms for one epoch of a project, in the order given. */
export function computeEpochRewards(policy: RewardPolicyParams, devices: readonly DeviceEpochInputs[]): EpochRewards {
  validatePolicy(policy);
  const terms = devices.map((inputs) => rawReward(policy, inputs));
  const rawTotal = terms.reduce((sum, term) => sum + term.raw, 0n);
  if (!fitsBits(rawTotal, LIMITS.totalBits)) throw new RewardPolicyError("the epoch's raw total exceeds 2¹²⁰−1");
  let paidTotal = 0n;
  for (const term of terms) {
    term.amount = scaleToBudget(term.raw, rawTotal, policy.epochBudget);
    paidTotal += term.amount;
  }
  return { terms, rawTotal, paidTotal, scaled: rawTotal > policy.epochBudget };
}
