import { ANVIL_CHAIN_ID } from "../chain/anvil";
import type { ServerEnv } from "../config/env";

/** Local anvil never reorgs on its own; public chains get 12 blocks of safety. */
export function defaultConfirmations(chainId: number): number {
  return chainId === ANVIL_CHAIN_ID ? 0 : 12;
}

/** The indexer's settings from the environment, for the chain being indexed. */
export function indexerSettings(env: Pick<ServerEnv, "INDEXER_CONFIRMATIONS" | "INDEXER_BATCH_BLOCKS">, chainId: number): { confirmations: number; batchBlocks: number } {
  return { confirmations: env.INDEXER_CONFIRMATIONS ?? defaultConfirmations(chainId), batchBlocks: env.INDEXER_BATCH_BLOCKS };
}
