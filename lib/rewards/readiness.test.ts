import { describe, expect, it } from "vitest";
import { defaultSettleSeconds } from "./readiness";

describe("defaultSettleSeconds", () => {
  it("is a tenth of the epoch, at most an hour", () => {
    expect(defaultSettleSeconds(300)).toBe(30);
    expect(defaultSettleSeconds(600)).toBe(60);
    expect(defaultSettleSeconds(3600)).toBe(360);
    expect(defaultSettleSeconds(86_400)).toBe(3600);
    expect(defaultSettleSeconds(45 * 86_400)).toBe(3600);
  });
});
