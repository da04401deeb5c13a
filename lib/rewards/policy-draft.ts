import { formatUnits, parseUnits } from "viem";
import { LIMITS } from "./policy";
import { REWARD_TOKEN } from "./format";

/**
 * The policy editor's form: amounts in tokens and percentages as people think of them, converted exactly to the
 * base units and basis points the policy (and the circuit) use. Pure, shared by the browser and its tests; the
 * server validates the converted values again (policyInputSchema, validatePolicy).
 */

export const POLICY_FIELDS = ["basePerMinute", "minQualityMultiplier", "coverageBonus", "demandBonus", "epochBudget"] as const;
export type PolicyField = (typeof POLICY_FIELDS)[number];
export type PolicyForm = Record<PolicyField, string>;

/** The values the reward-policies API takes (policyInputSchema): base units as decimal strings, basis points. */
export interface PolicyDraftInput {
  basePerMinute: string;
  minQualityMultiplierBps: number;
  coverageBonusBps: number;
  demandBonusBps: number;
  epochBudget: string;
}

export type PolicyDraftResult = { ok: true; input: PolicyDraftInput } | { ok: false; errors: Partial<Record<PolicyField, string>> };

const TOKEN_AMOUNT = new RegExp(`^\\d{1,40}(\\.\\d{1,${REWARD_TOKEN.decimals}})?$`);
const PERCENT = /^\d{1,3}(\.\d{1,2})?$/;

function tokens(value: string, maxBits: number, label: string): { value?: string; error?: string } {
  const text = value.trim();
  if (!TOKEN_AMOUNT.test(text)) return { error: `${label}: a number of ${REWARD_TOKEN.symbol} with at most ${REWARD_TOKEN.decimals} decimals` };
  const base = parseUnits(text, REWARD_TOKEN.decimals);
  if (base >= 1n << BigInt(maxBits)) return { error: `${label}: at most ${formatUnits((1n << BigInt(maxBits)) - 1n, REWARD_TOKEN.decimals)} ${REWARD_TOKEN.symbol}` };
  return { value: base.toString() };
}

/** "12.5" % → 1250 bps (exact: two decimals at most). */
function percentToBps(value: string, max: number, label: string): { value?: number; error?: string } {
  const text = value.trim();
  if (!PERCENT.test(text)) return { error: `${label}: a percentage with at most 2 decimals` };
  const [whole, fraction = ""] = text.split(".");
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  if (bps > max) return { error: `${label}: at most ${bpsToPercent(max)} %` };
  return { value: bps };
}

export function bpsToPercent(bps: number): string {
  const whole = Math.floor(bps / 100);
  const fraction = String(bps % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

export function parsePolicyForm(form: PolicyForm): PolicyDraftResult {
  const base = tokens(form.basePerMinute, LIMITS.basePerMinuteBits, "Base reward per online minute");
  const budget = tokens(form.epochBudget, LIMITS.totalBits, "Epoch budget");
  const minQ = percentToBps(form.minQualityMultiplier, 10_000, "Multiplier at quality 0");
  const coverage = percentToBps(form.coverageBonus, 2 ** LIMITS.bonusBpsBits - 1, "Coverage bonus");
  const demand = percentToBps(form.demandBonus, 2 ** LIMITS.bonusBpsBits - 1, "Demand bonus");
  const errors: Partial<Record<PolicyField, string>> = {};
  if (base.error) errors.basePerMinute = base.error;
  if (budget.error) errors.epochBudget = budget.error;
  if (minQ.error) errors.minQualityMultiplier = minQ.error;
  if (coverage.error) errors.coverageBonus = coverage.error;
  if (demand.error) errors.demandBonus = demand.error;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: { basePerMinute: base.value!, minQualityMultiplierBps: minQ.value!, coverageBonusBps: coverage.value!, demandBonusBps: demand.value!, epochBudget: budget.value! },
  };
}

/** The form for an existing policy (the editor starts from the current one). */
export function policyFormOf(input: PolicyDraftInput): PolicyForm {
  return {
    basePerMinute: formatUnits(BigInt(input.basePerMinute), REWARD_TOKEN.decimals),
    minQualityMultiplier: bpsToPercent(input.minQualityMultiplierBps),
    coverageBonus: bpsToPercent(input.coverageBonusBps),
    demandBonus: bpsToPercent(input.demandBonusBps),
    epochBudget: formatUnits(BigInt(input.epochBudget), REWARD_TOKEN.decimals),
  };
}
