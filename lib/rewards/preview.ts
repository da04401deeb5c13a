import { computeEpochRewards, type DeviceEpochInputs, type RewardPolicyParams } from "./policy";

/**
 * What a draft policy would have paid in an epoch that already happened: policy.ts run twice over the same stored
 * inputs (the epoch's published inputs document), once with the policy the epoch used and once with the draft.
 * Pure, so the admin's preview and the worker can never disagree on an amount.
 */

export interface PreviewDevice {
  device: string;
  slot: number;
  inputs: DeviceEpochInputs;
}

export interface PreviewRow extends PreviewDevice {
  current: { raw: bigint; amount: bigint };
  draft: { raw: bigint; amount: bigint };
  /** draft.amount − current.amount. */
  delta: bigint;
}

export interface PreviewTotals {
  rawTotal: bigint;
  paidTotal: bigint;
  budget: bigint;
  /** Σraw exceeded the budget, so every amount was scaled by budget / Σraw. */
  scaled: boolean;
  /** Devices paid more than 0. */
  earning: number;
}

export interface PolicyPreview {
  rows: PreviewRow[];
  current: PreviewTotals;
  draft: PreviewTotals;
  /** Devices whose amount goes up, down or stays. */
  changed: { up: number; down: number; same: number };
}

function totals(policy: RewardPolicyParams, result: ReturnType<typeof computeEpochRewards>): PreviewTotals {
  return {
    rawTotal: result.rawTotal,
    paidTotal: result.paidTotal,
    budget: policy.epochBudget,
    scaled: result.scaled,
    earning: result.terms.filter((term) => term.amount > 0n).length,
  };
}

/** Runs both policies over the devices (in the order given). Throws RewardPolicyError for an invalid draft. */
export function previewPolicy(current: RewardPolicyParams, draft: RewardPolicyParams, devices: readonly PreviewDevice[]): PolicyPreview {
  const inputs = devices.map((device) => device.inputs);
  const before = computeEpochRewards(current, inputs);
  const after = computeEpochRewards(draft, inputs);
  const changed = { up: 0, down: 0, same: 0 };
  const rows = devices.map((device, i): PreviewRow => {
    const was = before.terms[i]!;
    const will = after.terms[i]!;
    const delta = will.amount - was.amount;
    if (delta > 0n) changed.up++;
    else if (delta < 0n) changed.down++;
    else changed.same++;
    return { ...device, current: { raw: was.raw, amount: was.amount }, draft: { raw: will.raw, amount: will.amount }, delta };
  });
  return { rows, current: totals(current, before), draft: totals(draft, after), changed };
}

export const PREVIEW_SORTS = ["delta", "draft", "current", "slot"] as const;
export type PreviewSort = (typeof PREVIEW_SORTS)[number];

/** The rows an admin looks at first: the biggest changes (by absolute delta), the biggest earners, or slot order. */
export function sortPreviewRows(rows: readonly PreviewRow[], sort: PreviewSort): PreviewRow[] {
  const abs = (value: bigint) => (value < 0n ? -value : value);
  const byBigintDesc = (a: bigint, b: bigint) => (a > b ? -1 : a < b ? 1 : 0);
  const key: Record<PreviewSort, (a: PreviewRow, b: PreviewRow) => number> = {
    delta: (a, b) => byBigintDesc(abs(a.delta), abs(b.delta)) || a.slot - b.slot,
    draft: (a, b) => byBigintDesc(a.draft.amount, b.draft.amount) || a.slot - b.slot,
    current: (a, b) => byBigintDesc(a.current.amount, b.current.amount) || a.slot - b.slot,
    slot: (a, b) => a.slot - b.slot,
  };
  return [...rows].sort(key[sort]);
}
