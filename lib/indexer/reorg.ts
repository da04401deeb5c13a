import "server-only";
import type { Hex } from "viem";

export interface BlockRef {
  number: bigint;
  hash: string;
}

/**
 * The highest stored block that is still on the chain: every block at or
 * below it is unchanged, because a block hash commits to all its ancestors.
 * `stored` is scanned from the highest number down; null when none matches
 * (the reorg is deeper than the stored window).
 */
export async function findCommonAncestor(
  stored: readonly BlockRef[],
  canonicalHash: (blockNumber: bigint) => Promise<Hex | null>,
): Promise<BlockRef | null> {
  const highestFirst = [...stored].sort((a, b) => (a.number > b.number ? -1 : a.number < b.number ? 1 : 0));
  for (const block of highestFirst) {
    const hash = await canonicalHash(block.number);
    if (hash !== null && hash.toLowerCase() === block.hash.toLowerCase()) return block;
  }
  return null;
}
