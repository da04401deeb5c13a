import { describe, expect, it } from "vitest";
import { formatReward } from "./format";

describe("formatReward", () => {
  it("shows base units as tokens, rounding down to 4 decimals, grouping thousands", () => {
    expect(formatReward("0")).toBe("0 DHR");
    expect(formatReward("1000000000000000000")).toBe("1 DHR");
    expect(formatReward("1234567899999999999999")).toBe("1,234.5678 DHR");
    expect(formatReward(50_000_000_000_000n)).toBe("0 DHR");
    expect(formatReward(500_000_000_000_000n)).toBe("0.0005 DHR");
  });
});
