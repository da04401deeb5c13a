import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeEpochRewards, rawReward, RewardPolicyError, type DeviceEpochInputs, type RewardPolicyParams } from "./policy";

const policyArb: fc.Arbitrary<RewardPolicyParams> = fc.record({
  version: fc.integer({ min: 1, max: 1000 }),
  basePerMinute: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  minQualityMultiplierBps: fc.integer({ min: 0, max: 10_000 }),
  coverageBonusBps: fc.integer({ min: 0, max: 65_535 }),
  demandBonusBps: fc.integer({ min: 0, max: 65_535 }),
  epochBudget: fc.bigInt({ min: 0n, max: 1n << 100n }),
});

const inputsArb: fc.Arbitrary<DeviceEpochInputs> = fc.record({
  onlineMinutes: fc.integer({ min: 0, max: 65_535 }),
  qualityScore: fc.integer({ min: 0, max: 100 }),
  underserved: fc.boolean(),
  inDemand: fc.boolean(),
  active: fc.boolean(),
});

const demoPolicy: RewardPolicyParams = {
  version: 1,
  basePerMinute: 10n ** 15n,
  minQualityMultiplierBps: 2_000,
  coverageBonusBps: 5_000,
  demandBonusBps: 2_500,
  epochBudget: 10n ** 21n,
};

describe("reward policy", () => {
  it("pays the documented amount for a worked example", () => {
    // quality 50: 2000 + floor(8000·50/100) = 6000 bps; 60 min · 1e15 · 0.6 = 3.6e16; ×1.5 coverage = 5.4e16.
    const terms = rawReward(demoPolicy, { onlineMinutes: 60, qualityScore: 50, underserved: true, inDemand: false, active: true });
    expect(terms).toEqual({ qualityMultiplierBps: 6000n, bonusBps: 15_000n, raw: 54n * 10n ** 15n, amount: 54n * 10n ** 15n });
  });

  it("scales down with floor division when the budget is exceeded", () => {
    const policy = { ...demoPolicy, epochBudget: 10n };
    const device = { onlineMinutes: 1, qualityScore: 100, underserved: false, inDemand: false, active: true };
    const result = computeEpochRewards(policy, [device, device, device]);
    expect(result.scaled).toBe(true);
    expect(result.terms.map((t) => t.amount)).toEqual([3n, 3n, 3n]);
    expect(result.paidTotal).toBe(9n);
  });

  it("never pays more than the budget and the amounts sum to the total paid", () => {
    fc.assert(
      fc.property(policyArb, fc.array(inputsArb, { maxLength: 40 }), (policy, devices) => {
        const result = computeEpochRewards(policy, devices);
        const sum = result.terms.reduce((acc, t) => acc + t.amount, 0n);
        expect(sum).toBe(result.paidTotal);
        expect(result.paidTotal <= policy.epochBudget).toBe(true);
        expect(result.terms.every((t) => t.amount >= 0n && t.amount <= t.raw)).toBe(true);
        if (!result.scaled) expect(result.paidTotal).toBe(result.rawTotal);
      }),
    );
  });

  it("pays nothing to an inactive device", () => {
    fc.assert(
      fc.property(policyArb, inputsArb, (policy, inputs) => {
        expect(rawReward(policy, { ...inputs, active: false }).raw).toBe(0n);
      }),
    );
  });

  it("is monotonic in uptime and in quality", () => {
    fc.assert(
      fc.property(policyArb, inputsArb, fc.integer({ min: 0, max: 65_535 }), fc.integer({ min: 0, max: 100 }), (policy, inputs, minutes, quality) => {
        const low = { ...inputs, onlineMinutes: Math.min(inputs.onlineMinutes, minutes), qualityScore: Math.min(inputs.qualityScore, quality) };
        const highUptime = { ...low, onlineMinutes: Math.max(inputs.onlineMinutes, minutes) };
        const highBoth = { ...highUptime, qualityScore: Math.max(inputs.qualityScore, quality) };
        expect(rawReward(policy, low).raw <= rawReward(policy, highUptime).raw).toBe(true);
        expect(rawReward(policy, highUptime).raw <= rawReward(policy, highBoth).raw).toBe(true);
      }),
    );
  });

  it("keeps a device's share monotonic within one scaled epoch", () => {
    fc.assert(
      fc.property(policyArb, fc.array(inputsArb, { minLength: 2, maxLength: 20 }), (policy, devices) => {
        const result = computeEpochRewards(policy, devices);
        for (let i = 0; i < devices.length; i++) {
          for (let j = 0; j < devices.length; j++) {
            if (result.terms[i]!.raw <= result.terms[j]!.raw) expect(result.terms[i]!.amount <= result.terms[j]!.amount).toBe(true);
          }
        }
      }),
    );
  });

  it("rejects inputs the circuit cannot prove", () => {
    expect(() => rawReward(demoPolicy, { onlineMinutes: 65_536, qualityScore: 1, underserved: false, inDemand: false, active: true })).toThrow(RewardPolicyError);
    expect(() => rawReward(demoPolicy, { onlineMinutes: 1, qualityScore: 101, underserved: false, inDemand: false, active: true })).toThrow(RewardPolicyError);
    expect(() => computeEpochRewards({ ...demoPolicy, minQualityMultiplierBps: 10_001 }, [])).toThrow(RewardPolicyError);
    expect(() => computeEpochRewards({ ...demoPolicy, basePerMinute: 1n << 64n }, [])).toThrow(RewardPolicyError);
  });
});
