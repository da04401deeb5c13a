import { stringToHex, zeroHash } from "viem";
import { describe, expect, it } from "vitest";
import { decodeModel } from "./model";

describe("decodeModel", () => {
  it("decodes a right-padded UTF-8 name", () => {
    expect(decodeModel(stringToHex("AQ-Tracker v2", { size: 32 }))).toBe("AQ-Tracker v2");
    expect(decodeModel(stringToHex("Météo ☀", { size: 32 }))).toBe("Météo ☀");
  });

  it("gives an unset model as the empty string", () => {
    expect(decodeModel(zeroHash)).toBe("");
  });

  it("keeps binary identifiers as hex", () => {
    const binary = `0x01${"ff".repeat(31)}` as const;
    expect(decodeModel(binary)).toBe(binary);
    const innerNul = `0x41004200${"00".repeat(28)}` as const;
    expect(decodeModel(innerNul)).toBe(innerNul);
  });
});
