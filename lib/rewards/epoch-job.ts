import "server-only";
import { randomBytes } from "node:crypto";
import { isRpcUnavailable } from "../chain/transport";
import type { PrismaClient } from "../db/generated/client";
import type { DistributorClients } from "../proofs/distributor";
import type { WorkerJob } from "../worker/loop";
import { computeEpoch, proveEpoch, submitEpoch } from "./epoch";

export interface RewardEpochJobOptions {
  epochSeconds: number;
  /** null: compute and prove only (no chain configured). */
  clients: DistributorClients | null;
  clock?: () => number;
  log?: (message: string) => void;
  /** How long a worker owns an epoch before another may take over (proving a large fleet takes a while). */
  leaseMs?: number;
  maxAttempts?: number;
  /** Only these projects (tests that share a database with other projects' epochs); all when absent. */
  projectIds?: readonly number[];
}

/**
 * Closes reward epochs exactly once across any number of workers: the epoch row is created under a per-project
 * transaction advisory lock (unique (projectId, epoch) backs it up), and each step runs under a row lease
 * (leaseOwner/leaseUntil) so two workers never prove or submit the same epoch at the same time.
 */
export function createRewardEpochJob(options: RewardEpochJobOptions): WorkerJob {
  const { epochSeconds, clients, clock = Date.now, log = console.log, leaseMs = 10 * 60_000, maxAttempts = 5, projectIds } = options;
  const owner = `rewards-${process.pid}-${randomBytes(3).toString("hex")}`;
  return {
    name: "reward-epochs",
    async run({ db, signal }) {
      const projects = await db.$queryRaw<{ projectId: number; onchainId: bigint | null }[]>`
        SELECT DISTINCT p."projectId", pr."onchainId" FROM "RewardPolicy" p JOIN "Project" pr ON pr.id = p."projectId"`;
      for (const project of projects) {
        if (signal.aborted) return;
        if (projectIds && !projectIds.includes(project.projectId)) continue;
        try {
          await advanceProject(db, project.projectId, project.onchainId);
        } catch (error) {
          log(`reward-epochs: project ${project.projectId}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };

  async function advanceProject(db: PrismaClient, projectId: number, onchainId: bigint | null): Promise<void> {
    const epochId = await nextEpoch(db, projectId);
    if (epochId === null) return;
    if (!(await takeLease(db, epochId))) return;
    try {
      const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
      if (epoch.status === "computed") await proveEpoch(db, epochId);
      if (clients && onchainId !== null && epoch.status !== "confirmed") {
        await submitEpoch(db, epochId, clients, onchainId);
        const done = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
        log(`reward-epochs: project ${projectId} epoch ${done.epoch} confirmed (${done.deviceCount} devices, paid ${done.paidTotal.toFixed(0)}, tx ${done.finalizeTx})`);
      }
    } catch (error) {
      // A decoded revert can carry NUL bytes, which PostgreSQL text refuses: the failure would never be recorded
      // and the epoch would retry forever without a visible error.
      const message = (error instanceof Error ? error.message : String(error)).replaceAll("\u0000", "");
      // An RPC outage is not the epoch's fault: it must resume when the chain is back, however long that takes,
      // instead of burning its attempts and waiting for an operator as "failed".
      const unavailable = isRpcUnavailable(error);
      const updated = await db.rewardEpoch.update({ where: { id: epochId }, data: { error: message.slice(0, 2000), attempts: { increment: unavailable ? 0 : 1 } } });
      if (updated.attempts >= maxAttempts) await db.rewardEpoch.update({ where: { id: epochId }, data: { status: "failed" } });
      throw error;
    } finally {
      await db.rewardEpoch.updateMany({ where: { id: epochId, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  }

  /** The project's unfinished epoch, or a newly computed one when the next window has closed; null otherwise. */
  async function nextEpoch(db: PrismaClient, projectId: number): Promise<number | null> {
    const pending = await db.rewardEpoch.findFirst({ where: { projectId, status: { in: ["computed", "proved", "submitted"] } }, orderBy: { epoch: "asc" } });
    if (pending) return pending.id;
    if (await db.rewardEpoch.findFirst({ where: { projectId, status: "failed" } })) return null; // needs an operator
    const policy = await db.rewardPolicy.findFirst({ where: { projectId }, orderBy: { version: "desc" } });
    if (!policy) return null;
    const last = await db.rewardEpoch.findFirst({ where: { projectId }, orderBy: { epoch: "desc" } });
    // The first epoch is the one the policy was published in; afterwards strictly the next one.
    const next = last ? last.epoch + 1 : Math.floor(policy.createdAt.getTime() / 1000 / epochSeconds) + 1;
    if (next * epochSeconds * 1000 > clock()) return null;
    const id = await computeEpoch(db, projectId, next, epochSeconds, policy);
    if (id !== null) log(`reward-epochs: project ${projectId} epoch ${next} computed`);
    return id;
  }

  async function takeLease(db: PrismaClient, epochId: number): Promise<boolean> {
    const now = new Date(clock());
    const taken = await db.rewardEpoch.updateMany({
      // Our own lease too: a tick runs after the previous one ended, and a lease still ours was left behind when the
      // database went away before that tick could release it (the epoch would otherwise wait out the whole lease).
      where: { id: epochId, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }, { leaseOwner: owner }] },
      data: { leaseOwner: owner, leaseUntil: new Date(now.getTime() + leaseMs) },
    });
    return taken.count === 1;
  }
}
