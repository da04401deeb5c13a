import { describe, expect, it } from "vitest";
import { formatEpochWindow, formatReward } from "./format";

describe("formatReward", () => {
  it("shows base units as tokens, rounding down to 4 decimals, grouping thousands", () => {
    expect(formatReward("0")).toBe("0 DHR");
    expect(formatReward("1000000000000000000")).toBe("1 DHR");
    expect(formatReward("1234567899999999999999")).toBe("1,234.5678 DHR");
    expect(formatReward(50_000_000_000_000n)).toBe("0 DHR");
    expect(formatReward(500_000_000_000_000n)).toBe("0.0005 DHR");
  });
});

describe("formatEpochWindow", () => {
  it("shows the start's date and minute and the end's minute, in UTC", () => {
    expect(formatEpochWindow("2026-12-03T10:05:00.000Z", "2026-12-03T10:10:00.000Z")).toBe("2026-12-03 10:05 – 10:10");
    expect(formatEpochWindow("2026-12-02T00:00:00.000Z", "2026-12-03T00:00:00.000Z")).toBe("2026-12-02 00:00 – 00:00");
  });
});
