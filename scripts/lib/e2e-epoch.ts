/**
 * Shared by the end-to-end epoch drivers (scripts/e2e-reward-epoch.ts, scripts/e2e-admin-epoch.ts): progress on
 * stderr, polling, and advancing an epoch under the reward job's row lease so a driver never races the worker.
 * Import with `tsx --conditions=react-server` (lib/rewards is server-only).
 */
import type { PrismaClient } from "../../lib/db/generated/client";
import type { DistributorClients } from "../../lib/proofs/distributor";
import { proveEpoch, submitEpoch } from "../../lib/rewards/epoch";

const POLL_MS = 500;
const startedAt = Date.now();

export function createProgress(name: string): (message: string) => void {
  return (message) => process.stderr.write(`[${name} +${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${message}\n`);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it returns a value; `what` names the condition in progress and in the timeout error. */
export async function waitFor<T>(progress: (message: string) => void, what: string, read: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  progress(`waiting for ${what}`);
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await pause(POLL_MS);
  }
}

/**
 * Proves and submits the epoch while holding the reward job's row lease (lib/rewards/epoch-job.ts), or waits while the
 * worker holds it, until the epoch is confirmed.
 */
export async function advanceUnderLease(db: PrismaClient, epochId: number, clients: DistributorClients, onchainProjectId: bigint, progress: (message: string) => void): Promise<void> {
  const leaseOwner = `e2e-epoch-driver-${process.pid}`;
  let waiting = false;
  for (;;) {
    const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    if (epoch.status === "confirmed") break;
    if (epoch.status === "failed") throw new Error(`epoch ${epoch.epoch} failed: ${epoch.error}`);
    const now = new Date();
    const taken = await db.rewardEpoch.updateMany({
      where: { id: epochId, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner, leaseUntil: new Date(now.getTime() + 10 * 60_000) },
    });
    if (taken.count === 0) {
      if (!waiting) progress(`the worker holds epoch ${epoch.epoch} (${epoch.status}); waiting for it`);
      waiting = true;
      await pause(POLL_MS);
      continue;
    }
    waiting = false;
    try {
      if (epoch.status === "computed") {
        progress("proving");
        await proveEpoch(db, epochId);
      }
      progress("submitting and finalizing on-chain");
      await submitEpoch(db, epochId, clients, onchainProjectId);
    } finally {
      await db.rewardEpoch.updateMany({ where: { id: epochId, leaseOwner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  }
  progress("epoch confirmed on-chain");
}
