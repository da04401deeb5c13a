import "server-only";
import { BlockNotFoundError, createPublicClient, type Hex, type PublicClient } from "viem";
import { chainTransport, type RpcEndpoints } from "../chain/transport";
import type { Deployment } from "../chain/deployments";
import { decodeContractLog, type DecodedEvent } from "./events";

/** The chain changed while a range was being read; the batch is retried on the next tick. */
export class ChainMovedError extends Error {
  constructor(detail: string) {
    super(`The chain moved while reading it (${detail}); retrying`);
    this.name = "ChainMovedError";
  }
}

export interface FetchedRange {
  from: bigint;
  to: bigint;
  /** Hash of `to`: the cursor's new hash. */
  toHash: Hex;
  events: Array<DecodedEvent & { blockTime: Date }>;
  /** Hash of `to` and of every block with events, for reorg detection. */
  blocks: Array<{ number: bigint; hash: Hex }>;
}

/** JSON-RPC batching: the headers of a range's event blocks go out in one HTTP request; several URLs are fallbacks. */
export function createIndexerClient(rpcUrl: RpcEndpoints, timeoutMs?: number): PublicClient {
  return createPublicClient({ transport: chainTransport(rpcUrl, { batchSize: 200, timeoutMs }) });
}

/** The chain's hash at `blockNumber`, or null when it has no such block (e.g. after a reorg to a shorter chain). */
export async function canonicalHash(client: PublicClient, blockNumber: bigint): Promise<Hex | null> {
  try {
    return (await client.getBlock({ blockNumber })).hash;
  } catch (error) {
    if (error instanceof BlockNotFoundError) return null;
    throw error;
  }
}

/**
 * The indexed contracts' logs in [from, to], decoded, with their blocks' times.
 * The hash of `to` is read before and after the logs, and every log's block
 * hash is checked against its header: if anything differs a reorg happened
 * mid-read, and mixing two forks in one batch would go unnoticed later.
 */
export async function fetchRange(client: PublicClient, deployment: Deployment, from: bigint, to: bigint): Promise<FetchedRange> {
  const before = await client.getBlock({ blockNumber: to });
  const logs = await client.getLogs({
    address: [deployment.contracts.ProjectRegistry, deployment.contracts.DeviceRegistry, deployment.contracts.Marketplace],
    fromBlock: from,
    toBlock: to,
  });
  const numbers = [...new Set(logs.map((log) => log.blockNumber).concat(to))];
  const headers = new Map((await Promise.all(numbers.map((blockNumber) => client.getBlock({ blockNumber })))).map((block) => [block.number, block]));

  const after = headers.get(to);
  if (after?.hash !== before.hash) throw new ChainMovedError(`block ${to} changed from ${before.hash} to ${after?.hash}`);
  const events: FetchedRange["events"] = [];
  for (const log of logs) {
    const header = headers.get(log.blockNumber);
    if (!header || header.hash !== log.blockHash) throw new ChainMovedError(`log in block ${log.blockNumber} has hash ${log.blockHash}, the block ${header?.hash}`);
    const event = decodeContractLog(log, deployment.contracts);
    if (event) events.push({ ...event, blockTime: new Date(Number(header.timestamp) * 1000) });
  }
  return {
    from,
    to,
    toHash: before.hash,
    events,
    blocks: [...headers.values()].map((block) => ({ number: block.number, hash: block.hash })),
  };
}
