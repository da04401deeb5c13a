import type { Address, Hex } from "viem";
import type { ProjectionEvent } from "./events";

/** Builds typed projection events for fold tests, one block per event unless told otherwise. */
export function at<E extends Omit<ProjectionEvent, "blockNumber" | "logIndex" | "blockTime">>(
  blockNumber: number,
  event: E,
  logIndex = 0,
): ProjectionEvent {
  return { ...event, blockNumber: BigInt(blockNumber), logIndex, blockTime: new Date(1_700_000_000_000 + blockNumber * 1000) } as ProjectionEvent;
}

/** A raw log as eth_getLogs would return it, for decode tests. */
export function rawLog(address: Address, topics: ReadonlyArray<Hex | Hex[] | null>, data: Hex, position: { blockNumber?: bigint; logIndex?: number } = {}) {
  // Topics of indexed scalar arguments are single hashes; arrays/null only appear in filters.
  const flat = topics.filter((topic): topic is Hex => typeof topic === "string");
  return {
    address,
    topics: flat as [Hex, ...Hex[]],
    data,
    blockNumber: position.blockNumber ?? 10n,
    blockHash: `0x${"ab".repeat(32)}` as Hex,
    transactionHash: `0x${"cd".repeat(32)}` as Hex,
    logIndex: position.logIndex ?? 0,
  };
}

