import type { Hex } from "viem";
import { describe, expect, it } from "vitest";
import { findCommonAncestor } from "./reorg";

const hash = (label: string): Hex => `0x${label.padEnd(64, "0")}`;

describe("findCommonAncestor", () => {
  const chain = new Map<bigint, Hex>([
    [10n, hash("a10")],
    [12n, hash("a12")],
    [15n, hash("b15")],
  ]);
  const canonical = async (n: bigint) => chain.get(n) ?? null;

  it("returns the highest stored block whose hash the chain still has", async () => {
    const stored = [
      { number: 10n, hash: hash("a10") },
      { number: 15n, hash: hash("a15") },
      { number: 12n, hash: hash("a12") },
      { number: 17n, hash: hash("a17") },
    ];
    expect(await findCommonAncestor(stored, canonical)).toEqual({ number: 12n, hash: hash("a12") });
  });

  it("compares hashes case-insensitively", async () => {
    expect(await findCommonAncestor([{ number: 12n, hash: hash("A12") }], canonical)).toEqual({ number: 12n, hash: hash("A12") });
  });

  it("returns null when the reorg goes below every stored block", async () => {
    expect(await findCommonAncestor([{ number: 15n, hash: hash("a15") }], canonical)).toBeNull();
    expect(await findCommonAncestor([], canonical)).toBeNull();
  });
});
