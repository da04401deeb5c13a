import "server-only";
import type { PublicClient } from "viem";
import type { Deployment } from "../chain/deployments";
import type { RpcEndpoints } from "../chain/transport";
import type { IndexerCursor, Prisma, PrismaClient } from "../db/generated/client";
import type { WorkerJob } from "../worker/loop";
import { canonicalHash, createIndexerClient, fetchRange, type FetchedRange } from "./chain";
import { openCursor, tryIndexerLock } from "./cursor";
import { rebuildProjections, subjectsOf } from "./projections";
import { findCommonAncestor } from "./reorg";

type Tx = Prisma.TransactionClient;

export interface ChainIndexerOptions {
  /** One RPC URL or an ordered list (fallbacks, lib/chain/transport.ts). */
  rpcUrl: RpcEndpoints;
  /** Per-request timeout of each RPC URL. */
  rpcTimeoutMs?: number;
  deployment: Deployment;
  /** Blocks to stay behind the head: only blocks with this many successors are indexed. */
  confirmations: number;
  /** Most blocks per batch (one getLogs call, one transaction). */
  batchBlocks: number;
  log?: (message: string) => void;
  /** How many blocks below the cursor keep their stored hash; a deeper reorg replays from the deployment block. */
  hashWindowBlocks?: number;
  /** Interactive transaction limit; the batch's RPC calls happen inside it (under the lock). */
  transactionTimeoutMs?: number;
}

export interface Reorg {
  /** The cursor before the reorg was found. */
  from: bigint;
  /** Highest stored block still on the chain (the deployment block - 1 when none was). */
  ancestor: bigint;
  removedEvents: number;
}

export type BatchOutcome =
  | { kind: "busy" }
  | { kind: "up-to-date"; cursor: bigint; reorg: Reorg | null }
  | { kind: "indexed"; from: bigint; to: bigint; events: number; reorg: Reorg | null };

const DEFAULT_HASH_WINDOW_BLOCKS = 4_096;
const EVENT_INSERT_CHUNK = 2_000;

/**
 * Follows ProjectRegistry and DeviceRegistry into PostgreSQL. Each batch runs
 * in one transaction under a per-chain advisory lock: reorg check and undo,
 * new events, block hashes, projections and cursor commit together or not at
 * all, so a crash resumes from the last committed cursor and N workers index
 * each event exactly once.
 */
export class ChainIndexer {
  private readonly client: PublicClient;
  private readonly log: (message: string) => void;
  private chainChecked = false;

  constructor(private readonly options: ChainIndexerOptions) {
    if (!Number.isInteger(options.confirmations) || options.confirmations < 0) throw new Error("confirmations must be a whole number ≥ 0");
    if (!Number.isInteger(options.batchBlocks) || options.batchBlocks < 1) throw new Error("batchBlocks must be a whole number ≥ 1");
    this.client = createIndexerClient(options.rpcUrl, options.rpcTimeoutMs);
    this.log = options.log ?? (() => undefined);
  }

  get chainId(): number {
    return this.options.deployment.chainId;
  }

  /** Indexes the next batch, if the lock is free and a confirmed block is waiting. */
  async indexNextBatch(db: PrismaClient): Promise<BatchOutcome> {
    await this.checkChain();
    return db.$transaction(
      async (tx): Promise<BatchOutcome> => {
        if (!(await tryIndexerLock(tx, this.chainId))) return { kind: "busy" };
        let cursor = await openCursor(tx, this.options.deployment, this.log);
        const reorg = await this.undoReorg(tx, cursor);
        if (reorg) cursor = reorg.cursor;

        // cacheTime 0: viem would otherwise answer from a few-seconds-old cache.
        const head = await this.client.getBlockNumber({ cacheTime: 0 });
        const confirmed = head - BigInt(this.options.confirmations);
        const from = cursor.blockNumber + 1n;
        if (confirmed < from) return { kind: "up-to-date", cursor: cursor.blockNumber, reorg: reorg?.summary ?? null };

        const to = confirmed < cursor.blockNumber + BigInt(this.options.batchBlocks) ? confirmed : cursor.blockNumber + BigInt(this.options.batchBlocks);
        const range = await fetchRange(this.client, this.options.deployment, from, to);
        await this.store(tx, cursor, range);
        if (range.events.length > 0) this.log(`indexed blocks ${from}–${to}: ${range.events.length} event(s)`);
        return { kind: "indexed", from, to, events: range.events.length, reorg: reorg?.summary ?? null };
      },
      { timeout: this.options.transactionTimeoutMs ?? 120_000, maxWait: 10_000 },
    );
  }

  /**
   * Indexes until the cursor reaches the confirmed head, waiting while another
   * worker holds the lock. For callers that need the index current now (the seed).
   */
  async catchUp(db: PrismaClient, { timeoutMs = 60_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!signal?.aborted) {
      const outcome = await this.indexNextBatch(db);
      if (outcome.kind === "up-to-date") return;
      if (Date.now() > deadline) throw new Error(`The index did not catch up within ${timeoutMs} ms`);
      if (outcome.kind === "busy") await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async checkChain(): Promise<void> {
    if (this.chainChecked) return;
    const actual = await this.client.getChainId();
    if (actual !== this.chainId) throw new Error(`RPC serves chain ${actual}, but the deployment is for chain ${this.chainId}`);
    this.chainChecked = true;
  }

  /**
   * When the cursor's block is no longer on the chain: finds the common
   * ancestor among the stored block hashes, deletes the events above it and
   * rebuilds the projections they touched from the events that remain.
   */
  private async undoReorg(tx: Tx, cursor: IndexerCursor): Promise<{ cursor: IndexerCursor; summary: Reorg } | null> {
    if (cursor.blockHash === null) return null;
    const current = await canonicalHash(this.client, cursor.blockNumber);
    if (current !== null && current.toLowerCase() === cursor.blockHash.toLowerCase()) return null;

    const stored = await tx.indexedBlock.findMany({ where: { cursorId: cursor.id, number: { lte: cursor.blockNumber } }, select: { number: true, hash: true } });
    const ancestor = await findCommonAncestor(stored, (blockNumber) => canonicalHash(this.client, blockNumber));
    const ancestorNumber = ancestor?.number ?? cursor.startBlock - 1n;
    const above = { cursorId: cursor.id, blockNumber: { gt: ancestorNumber } };
    const undone = await tx.chainEvent.findMany({ where: above, select: { contract: true, name: true, args: true, projectOnchainId: true, device: true } });
    await tx.chainEvent.deleteMany({ where: above });
    await tx.indexedBlock.deleteMany({ where: { cursorId: cursor.id, number: { gt: ancestorNumber } } });
    await rebuildProjections(tx, cursor, subjectsOf(undone));
    const updated = await tx.indexerCursor.update({ where: { id: cursor.id }, data: { blockNumber: ancestorNumber, blockHash: ancestor?.hash ?? null } });
    const summary: Reorg = { from: cursor.blockNumber, ancestor: ancestorNumber, removedEvents: undone.length };
    this.log(
      `reorg on chain ${this.chainId}: block ${cursor.blockNumber} changed; ` +
        (ancestor ? `common ancestor ${ancestorNumber}` : `no stored block survived, replaying from ${cursor.startBlock}`) +
        `, ${undone.length} event(s) undone`,
    );
    return { cursor: updated, summary };
  }

  private async store(tx: Tx, cursor: IndexerCursor, range: FetchedRange): Promise<void> {
    const rows = range.events.map((event) => ({
      cursorId: cursor.id,
      chainId: this.chainId,
      blockNumber: event.blockNumber,
      blockHash: event.blockHash,
      blockTime: event.blockTime,
      txHash: event.txHash,
      logIndex: event.logIndex,
      contract: event.contract,
      name: event.name,
      args: event.args,
      projectOnchainId: event.projectOnchainId,
      device: event.device,
    }));
    for (let i = 0; i < rows.length; i += EVENT_INSERT_CHUNK) {
      // skipDuplicates: re-reading a range (e.g. after a failed commit elsewhere) never doubles an event.
      await tx.chainEvent.createMany({ data: rows.slice(i, i + EVENT_INSERT_CHUNK), skipDuplicates: true });
    }
    await tx.indexedBlock.createMany({ data: range.blocks.map((block) => ({ cursorId: cursor.id, ...block })), skipDuplicates: true });
    await rebuildProjections(tx, cursor, subjectsOf(range.events));
    await tx.indexerCursor.update({ where: { id: cursor.id }, data: { blockNumber: range.to, blockHash: range.toHash } });
    const window = BigInt(this.options.hashWindowBlocks ?? DEFAULT_HASH_WINDOW_BLOCKS);
    await tx.indexedBlock.deleteMany({ where: { cursorId: cursor.id, number: { lt: range.to - window } } });
  }
}

/** The worker job: up to `maxBatchesPerTick` batches per tick, fewer once caught up. */
export function createIndexerJob(indexer: ChainIndexer, { maxBatchesPerTick = 20 }: { maxBatchesPerTick?: number } = {}): WorkerJob {
  return {
    name: `indexer:${indexer.chainId}`,
    async run({ db, signal }) {
      for (let batch = 0; batch < maxBatchesPerTick && !signal.aborted; batch += 1) {
        const outcome = await indexer.indexNextBatch(db);
        if (outcome.kind !== "indexed") return;
      }
    },
  };
}
