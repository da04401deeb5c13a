import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeEpochRewards, RewardPolicyError, type DeviceEpochInputs, type RewardPolicyParams } from "./policy";
import { previewPolicy, sortPreviewRows, type PreviewDevice } from "./preview";

const current: RewardPolicyParams = { version: 1, basePerMinute: 10n ** 15n, minQualityMultiplierBps: 2_000, coverageBonusBps: 5_000, demandBonusBps: 2_500, epochBudget: 10n ** 21n };
const device = (slot: number, inputs: Partial<DeviceEpochInputs>): PreviewDevice => ({
  device: `0x${slot.toString(16).padStart(40, "0")}`,
  slot,
  inputs: { onlineMinutes: 60, qualityScore: 100, underserved: false, inDemand: false, active: true, ...inputs },
});

const inputsArb: fc.Arbitrary<DeviceEpochInputs> = fc.record({
  onlineMinutes: fc.integer({ min: 0, max: 65_535 }),
  qualityScore: fc.integer({ min: 0, max: 100 }),
  underserved: fc.boolean(),
  inDemand: fc.boolean(),
  active: fc.boolean(),
});
const policyArb: fc.Arbitrary<RewardPolicyParams> = fc.record({
  version: fc.integer({ min: 1, max: 1000 }),
  basePerMinute: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  minQualityMultiplierBps: fc.integer({ min: 0, max: 10_000 }),
  coverageBonusBps: fc.integer({ min: 0, max: 65_535 }),
  demandBonusBps: fc.integer({ min: 0, max: 65_535 }),
  epochBudget: fc.bigInt({ min: 0n, max: 1n << 100n }),
});

describe("policy preview", () => {
  it("shows what the current policy paid and what the draft would pay, per device and in total", () => {
    const devices = [device(0, {}), device(1, { underserved: true }), device(2, { active: false })];
    // Doubling the base pays twice as much to every active device; the coverage bonus goes away.
    const draft = { ...current, version: 2, basePerMinute: 2n * 10n ** 15n, coverageBonusBps: 0 };
    const preview = previewPolicy(current, draft, devices);
    expect(preview.rows.map((row) => [row.current.amount, row.draft.amount, row.delta])).toEqual([
      [6n * 10n ** 16n, 12n * 10n ** 16n, 6n * 10n ** 16n],
      [9n * 10n ** 16n, 12n * 10n ** 16n, 3n * 10n ** 16n],
      [0n, 0n, 0n],
    ]);
    expect(preview.current).toEqual({ rawTotal: 15n * 10n ** 16n, paidTotal: 15n * 10n ** 16n, budget: 10n ** 21n, scaled: false, earning: 2 });
    expect(preview.draft).toEqual({ rawTotal: 24n * 10n ** 16n, paidTotal: 24n * 10n ** 16n, budget: 10n ** 21n, scaled: false, earning: 2 });
    expect(preview.changed).toEqual({ up: 2, down: 0, same: 1 });
  });

  it("scales the draft down to its budget and says so", () => {
    const devices = [device(0, {}), device(1, {}), device(2, {})];
    const preview = previewPolicy(current, { ...current, version: 2, epochBudget: 10n }, devices);
    expect(preview.draft.scaled).toBe(true);
    expect(preview.draft.paidTotal).toBe(9n);
    expect(preview.rows.map((row) => row.draft.amount)).toEqual([3n, 3n, 3n]);
    expect(preview.current.scaled).toBe(false);
  });

  it("rejects an invalid draft with the policy's own error", () => {
    expect(() => previewPolicy(current, { ...current, minQualityMultiplierBps: 10_001 }, [device(0, {})])).toThrow(RewardPolicyError);
  });

  it("equals policy.ts run over the same inputs, for both policies (property)", () => {
    fc.assert(
      fc.property(policyArb, policyArb, fc.array(inputsArb, { maxLength: 30 }), (before, after, inputs) => {
        const devices = inputs.map((entry, slot) => device(slot, entry));
        const preview = previewPolicy(before, after, devices);
        const expectedBefore = computeEpochRewards(before, inputs);
        const expectedAfter = computeEpochRewards(after, inputs);
        expect(preview.rows.map((row) => row.current.amount)).toEqual(expectedBefore.terms.map((t) => t.amount));
        expect(preview.rows.map((row) => row.draft.amount)).toEqual(expectedAfter.terms.map((t) => t.amount));
        expect(preview.draft.paidTotal).toBe(expectedAfter.paidTotal);
        expect(preview.draft.paidTotal <= after.epochBudget).toBe(true);
        expect(preview.rows.reduce((sum, row) => sum + row.delta, 0n)).toBe(preview.draft.paidTotal - preview.current.paidTotal);
        expect(preview.changed.up + preview.changed.down + preview.changed.same).toBe(devices.length);
      }),
    );
  });

  it("sorts by the biggest change first, ties in slot order", () => {
    const devices = [device(0, { onlineMinutes: 10 }), device(1, { onlineMinutes: 30 }), device(2, { onlineMinutes: 0 }), device(3, { onlineMinutes: 30 })];
    const preview = previewPolicy(current, { ...current, basePerMinute: 0n }, devices);
    expect(sortPreviewRows(preview.rows, "delta").map((row) => row.slot)).toEqual([1, 3, 0, 2]);
    expect(sortPreviewRows(preview.rows, "current").map((row) => row.slot)).toEqual([1, 3, 0, 2]);
    expect(sortPreviewRows(preview.rows, "slot").map((row) => row.slot)).toEqual([0, 1, 2, 3]);
  });
});
