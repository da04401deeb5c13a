import { describe, expect, it } from "vitest";
import { formatAmount } from "./format";

describe("formatAmount", () => {
  it("shows dUSD with two decimals, more only when needed", () => {
    expect(formatAmount("30000000")).toBe("30.00 dUSD");
    expect(formatAmount(1_000_001n)).toBe("1.000001 dUSD");
    expect(formatAmount("975000")).toBe("0.975 dUSD");
    expect(formatAmount("1234567000000")).toBe("1,234,567.00 dUSD");
    expect(formatAmount(-5_000_000n)).toBe("-5.00 dUSD");
  });
});
