import "server-only";
import type { WorkerJob } from "../worker/loop";

/** How long spent or expired sign-in rows stay around for debugging before they are deleted. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
const RUN_EVERY_MS = 10 * 60 * 1000;

/**
 * Deletes nonces and sessions that can never be used again, so the auth
 * tables stay small however many sign-in attempts the app sees.
 */
export function createAuthCleanupJob(now: () => number = Date.now): WorkerJob {
  let lastRun = 0;
  return {
    name: "auth-cleanup",
    async run({ db }) {
      if (now() - lastRun < RUN_EVERY_MS) return;
      lastRun = now();
      const before = new Date(now() - RETENTION_MS);
      await db.authNonce.deleteMany({ where: { expiresAt: { lt: before } } });
      await db.session.deleteMany({ where: { OR: [{ expiresAt: { lt: before } }, { revokedAt: { lt: before } }] } });
    },
  };
}
