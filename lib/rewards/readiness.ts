import "server-only";
import { HOUR_MS } from "../aggregates";
import type { ServerEnv } from "../config/env";
import type { PrismaClient, RewardPolicy } from "../db/generated/client";
import { staleHours } from "../processing/stale-hours";
import { epochWindow } from "./epoch";

/**
 * When an epoch may be computed. Its inputs (lib/rewards/epoch-inputs.ts) must be final by then, so that the result
 * depends on the data and never on when a worker happened to run:
 * - the settle time after the window's end has passed: readings measured inside the window that arrive a little
 *   after it (network latency, a device that was briefly offline and uploads its buffer) still count; later ones
 *   do not (docs/rewards.md "When an epoch closes");
 * - the hourly results the inputs read are up to date for the project's devices: every hour that ends inside the
 *   window, and the last one that ended before it (a device's quality falls back to it).
 */

/** A tenth of the epoch, at most an hour: a day's epoch waits an hour for late uploads, the local 5-minute one 30 s. */
export function defaultSettleSeconds(epochSeconds: number): number {
  return Math.min(3600, Math.round(epochSeconds / 10));
}

export interface EpochTiming {
  epochSeconds: number;
  settleMs: number;
  leaseMs: number;
}

/** The reward epoch timing the worker runs with; the web app reads the same settings to say when the next epoch closes. */
export function epochTiming(env: ServerEnv): EpochTiming {
  const epochSeconds = env.REWARD_EPOCH_SECONDS ?? 86_400;
  return { epochSeconds, settleMs: (env.REWARD_EPOCH_SETTLE_SECONDS ?? defaultSettleSeconds(epochSeconds)) * 1000, leaseMs: env.REWARD_EPOCH_LEASE_SECONDS * 1000 };
}

/** The epoch after the project's last one; a project's first is the one its current policy was published in. */
function nextEpochNumber(lastEpoch: number | null, policyPublishedAt: Date, epochSeconds: number): number {
  return lastEpoch !== null ? lastEpoch + 1 : Math.floor(policyPublishedAt.getTime() / 1000 / epochSeconds) + 1;
}

/**
 * The hours (by start, [from, until)) whose hourly rows an epoch's inputs read: every hour that ends inside the
 * window, and the last one that ended before it.
 */
export function hoursReadBy(window: { windowStart: Date; windowEnd: Date }): { from: Date; until: Date } {
  const floorHour = (date: Date) => Math.floor(date.getTime() / HOUR_MS) * HOUR_MS;
  return { from: new Date(floorHour(window.windowStart) - HOUR_MS), until: new Date(floorHour(window.windowEnd)) };
}

type EpochReadiness = { ready: true } | { ready: false; waitingFor: string };

async function epochReadiness(
  db: PrismaClient,
  projectId: number,
  window: { windowStart: Date; windowEnd: Date },
  timing: { now: number; settleMs: number; lateSlackMs?: number },
): Promise<EpochReadiness> {
  const { now, settleMs, lateSlackMs } = timing;
  const settledAt = window.windowEnd.getTime() + settleMs;
  if (now < settledAt) return { ready: false, waitingFor: `late readings until ${new Date(settledAt).toISOString()}` };
  const stale = await staleHours(db, now, lateSlackMs, { projectId, ...hoursReadBy(window) });
  if (stale.length > 0) return { ready: false, waitingFor: `the hourly results of ${stale.map((hour) => hour.toISOString().slice(0, 13) + ":00Z").join(", ")}` };
  return { ready: true };
}

/** The project's next epoch as an admin sees it before it exists: its window, when it may close, what it waits for. */
export interface UpcomingEpoch {
  epoch: number;
  windowStart: string;
  windowEnd: string;
  /** The window's end plus the settle time: the earliest moment it is computed. */
  closesAt: string;
  /**
   * open: the window is still running; waiting: closed, its inputs not final yet; queued: an earlier epoch is still in
   * the pipeline or failed (epochs are processed strictly in order); due: the worker computes it on its next run.
   */
  state: "open" | "waiting" | "queued" | "due";
  waitingFor: string | null;
}

type UpcomingTiming = { epochSeconds: number; settleMs: number; now: number; lateSlackMs?: number };

/** Null before the project's first policy. */
export async function upcomingEpoch(db: PrismaClient, projectId: number, timing: UpcomingTiming): Promise<UpcomingEpoch | null> {
  return (await nextEpochOf(db, projectId, timing))?.upcoming ?? null;
}

/**
 * The project's next epoch and the policy it is computed with; null before the project's first policy. The reward
 * job computes the epoch when it is due, so the admin's line (upcomingEpoch) is what the job decides.
 */
export async function nextEpochOf(db: PrismaClient, projectId: number, timing: UpcomingTiming): Promise<{ upcoming: UpcomingEpoch; policy: RewardPolicy } | null> {
  const policy = await db.rewardPolicy.findFirst({ where: { projectId }, orderBy: { version: "desc" } });
  if (!policy) return null;
  const last = await db.rewardEpoch.findFirst({ where: { projectId }, orderBy: { epoch: "desc" }, select: { epoch: true } });
  const epoch = nextEpochNumber(last?.epoch ?? null, policy.createdAt, timing.epochSeconds);
  const window = epochWindow(epoch, timing.epochSeconds);
  const base = {
    epoch,
    windowStart: window.windowStart.toISOString(),
    windowEnd: window.windowEnd.toISOString(),
    closesAt: new Date(window.windowEnd.getTime() + timing.settleMs).toISOString(),
  };
  const upcoming = async (): Promise<UpcomingEpoch> => {
    if (timing.now < window.windowEnd.getTime()) return { ...base, state: "open", waitingFor: null };
    const unfinished = await db.rewardEpoch.findFirst({ where: { projectId, status: { not: "confirmed" } }, orderBy: { epoch: "asc" }, select: { epoch: true, status: true } });
    if (unfinished) {
      const waitingFor = unfinished.status === "failed" ? `epoch ${unfinished.epoch}, which failed, to be re-run` : `epoch ${unfinished.epoch} to be finished`;
      return { ...base, state: "queued", waitingFor };
    }
    const readiness = await epochReadiness(db, projectId, window, timing);
    return readiness.ready ? { ...base, state: "due", waitingFor: null } : { ...base, state: "waiting", waitingFor: readiness.waitingFor };
  };
  return { upcoming: await upcoming(), policy };
}
