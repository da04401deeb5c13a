import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bpsToPercent, parsePolicyForm, policyFormOf, type PolicyForm } from "./policy-draft";

const valid: PolicyForm = { basePerMinute: "0.001", minQualityMultiplier: "20", coverageBonus: "50", demandBonus: "25", epochBudget: "1000" };

describe("policy editor form", () => {
  it("converts tokens to base units and percentages to basis points exactly", () => {
    expect(parsePolicyForm(valid)).toEqual({
      ok: true,
      input: { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" },
    });
    expect(parsePolicyForm({ ...valid, coverageBonus: "12.34" })).toMatchObject({ ok: true, input: { coverageBonusBps: 1234 } });
  });

  it("names every invalid field: units, decimals, bounds", () => {
    const result = parsePolicyForm({ basePerMinute: "-1", minQualityMultiplier: "100.01", coverageBonus: "655.36", demandBonus: "1.234", epochBudget: "0.0000000000000000001" });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["basePerMinute", "coverageBonus", "demandBonus", "epochBudget", "minQualityMultiplier"]);
    expect(parsePolicyForm({ ...valid, basePerMinute: "18446744073709551615" })).toMatchObject({ ok: false, errors: { basePerMinute: expect.stringContaining("at most") } });
    expect(parsePolicyForm({ ...valid, demandBonus: "655.35" })).toMatchObject({ ok: true, input: { demandBonusBps: 65_535 } });
    expect(parsePolicyForm({ ...valid, epochBudget: "" })).toMatchObject({ ok: false });
  });

  it("round-trips a policy through the form (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 65_535 }),
        fc.integer({ min: 0, max: 65_535 }),
        fc.bigInt({ min: 0n, max: (1n << 120n) - 1n }),
        (base, minQ, coverage, demand, budget) => {
          const input = { basePerMinute: base.toString(), minQualityMultiplierBps: minQ, coverageBonusBps: coverage, demandBonusBps: demand, epochBudget: budget.toString() };
          expect(parsePolicyForm(policyFormOf(input))).toEqual({ ok: true, input });
        },
      ),
    );
    expect(bpsToPercent(1205)).toBe("12.05");
    expect(bpsToPercent(1250)).toBe("12.5");
  });
});
