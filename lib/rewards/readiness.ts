import "server-only";
import { HOUR_MS } from "../aggregates";
import type { PrismaClient } from "../db/generated/client";
import { staleHoursOfProject } from "../processing/stale-hours";

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

export type EpochReadiness = { ready: true } | { ready: false; waitingFor: string };

export async function epochReadiness(
  db: PrismaClient,
  projectId: number,
  window: { windowStart: Date; windowEnd: Date },
  timing: { now: number; settleMs: number; lateSlackMs?: number },
): Promise<EpochReadiness> {
  const { now, settleMs, lateSlackMs } = timing;
  const settledAt = window.windowEnd.getTime() + settleMs;
  if (now < settledAt) return { ready: false, waitingFor: `late readings until ${new Date(settledAt).toISOString()}` };
  const floorHour = (t: number) => Math.floor(t / HOUR_MS) * HOUR_MS;
  const stale = await staleHoursOfProject(db, projectId, { from: new Date(floorHour(window.windowStart.getTime()) - HOUR_MS), until: new Date(floorHour(window.windowEnd.getTime())) }, now, lateSlackMs);
  if (stale.length > 0) return { ready: false, waitingFor: `the hourly results of ${stale.map((hour) => hour.toISOString().slice(0, 13) + ":00Z").join(", ")}` };
  return { ready: true };
}
