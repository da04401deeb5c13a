import "server-only";
import { randomBytes } from "node:crypto";
import { isRpcUnavailable } from "../chain/transport";
import type { PrismaClient } from "../db/generated/client";
import type { DistributorClients } from "../proofs/distributor";
import type { WorkerJob } from "../worker/loop";
import { computeEpoch, proveEpoch, submitEpoch } from "./epoch";
import { defaultSettleSeconds, nextEpochOf } from "./readiness";

export interface RewardEpochJobOptions {
  epochSeconds: number;
  /** null: compute and prove only (no chain configured). */
  clients: DistributorClients | null;
  clock?: () => number;
  log?: (message: string) => void;
  /**
   * How long an epoch's lease lasts without renewal. The holder renews it every third of that while a step runs, so
   * this is how long a crashed worker's epoch waits for another worker, not a bound on how long a step may take.
   */
  leaseMs?: number;
  /** How long after a window's end its epoch waits for late readings (default defaultSettleSeconds). */
  settleMs?: number;
  /** See LATE_SLACK_MS (lib/processing/stale-hours.ts); tests that compute the hours themselves set 0. */
  lateSlackMs?: number;
  maxAttempts?: number;
  /** Only these projects (tests that share a database with other projects' epochs); all when absent. */
  projectIds?: readonly number[];
}

/**
 * Closes reward epochs exactly once across any number of workers: the epoch row is created under a per-project
 * transaction advisory lock (unique (projectId, epoch) backs it up), and each step runs under a row lease
 * (leaseOwner/leaseUntil) so two workers never prove or submit the same epoch at the same time. An epoch is computed
 * once its inputs are final (lib/rewards/readiness.ts).
 */
export function createRewardEpochJob(options: RewardEpochJobOptions): WorkerJob {
  const { epochSeconds, clients, clock = Date.now, log = console.log, leaseMs = 60_000, maxAttempts = 5, projectIds } = options;
  const settleMs = options.settleMs ?? defaultSettleSeconds(epochSeconds) * 1000;
  const owner = `rewards-${process.pid}-${randomBytes(3).toString("hex")}`;
  /** What each project's next epoch was last said to wait for: said once, not every tick. */
  const waitingSaid = new Map<number, string>();
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
    const lease = holdLease(db, epochId);
    try {
      const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
      if (epoch.status === "computed") await proveEpoch(db, epochId, lease.signal);
      if (clients && onchainId !== null && epoch.status !== "confirmed") {
        await submitEpoch(db, epochId, clients, onchainId, lease.signal);
        const done = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
        log(`reward-epochs: project ${projectId} epoch ${done.epoch} confirmed (${done.deviceCount} devices, paid ${done.paidTotal.toFixed(0)}, tx ${done.finalizeTx})`);
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        // Another worker holds the epoch now and carries on from what this one stored; not the epoch's failure.
        log(`reward-epochs: project ${projectId}: ${error.message}`);
        return;
      }
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
      lease.stop();
      await db.rewardEpoch.updateMany({ where: { id: epochId, leaseOwner: owner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  }

  /** The project's unfinished epoch, or a newly computed one when the next one is due (lib/rewards/readiness.ts); null otherwise. */
  async function nextEpoch(db: PrismaClient, projectId: number): Promise<number | null> {
    const pending = await db.rewardEpoch.findFirst({ where: { projectId, status: { in: ["computed", "proved", "submitted"] } }, orderBy: { epoch: "asc" } });
    if (pending) return pending.id;
    const next = await nextEpochOf(db, projectId, { epochSeconds, settleMs, now: clock(), lateSlackMs: options.lateSlackMs });
    // open: the window is running; queued (no epoch is pending here): behind a failed epoch, which needs an operator.
    if (!next || next.upcoming.state === "open" || next.upcoming.state === "queued") return null;
    const { upcoming, policy } = next;
    if (upcoming.state === "waiting") {
      const said = `${upcoming.epoch}: ${upcoming.waitingFor}`;
      if (waitingSaid.get(projectId) !== said) log(`reward-epochs: project ${projectId} epoch ${upcoming.epoch} waits for ${upcoming.waitingFor}`);
      waitingSaid.set(projectId, said);
      return null;
    }
    const id = await computeEpoch(db, projectId, upcoming.epoch, epochSeconds, policy);
    if (id !== null) log(`reward-epochs: project ${projectId} epoch ${upcoming.epoch} computed`);
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

  /**
   * Renews the lease every third of its length while a step runs. The step's signal aborts when the lease is no
   * longer this worker's: another worker took it (this one stalled past the lease), or renewals failed until it ran
   * out (the database was unreachable, so another worker may have taken it).
   */
  function holdLease(db: PrismaClient, epochId: number): { signal: AbortSignal; stop(): void } {
    const controller = new AbortController();
    let heldUntil = clock() + leaseMs;
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing || controller.signal.aborted) return;
      renewing = true;
      const now = clock();
      db.rewardEpoch
        .updateMany({ where: { id: epochId, leaseOwner: owner }, data: { leaseUntil: new Date(now + leaseMs) } })
        .then((renewed) => {
          if (renewed.count === 1) heldUntil = now + leaseMs;
          else controller.abort(new LeaseLostError(epochId, "taken over by another worker"));
        })
        .catch(() => {
          if (clock() >= heldUntil) controller.abort(new LeaseLostError(epochId, "not renewed in time"));
        })
        .finally(() => {
          renewing = false;
        });
    }, Math.max(100, Math.floor(leaseMs / 3)));
    timer.unref();
    return { signal: controller.signal, stop: () => clearInterval(timer) };
  }
}

/** The step stopped because its epoch's lease is no longer this worker's. */
export class LeaseLostError extends Error {
  constructor(epochId: number, why: string) {
    super(`lease of epoch ${epochId} lost (${why}); the step stopped`);
    this.name = "LeaseLostError";
  }
}
