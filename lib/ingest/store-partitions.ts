import "server-only";
import type { WorkerJob } from "../worker/loop";

/**
 * Keeps daily partitions of ingest.telemetry created a week ahead (rows
 * without a partition land in the default one, which works but loses pruning).
 * Runs at most once an hour; the SQL function is idempotent across workers.
 */
const EVERY_MS = 60 * 60_000;
const DAYS_AHEAD = 8;

export function createTelemetryPartitionsJob(clock: () => number = Date.now): WorkerJob {
  let lastRunAt = Number.NEGATIVE_INFINITY;
  return {
    name: "telemetry-partitions",
    async run({ db }) {
      if (clock() - lastRunAt < EVERY_MS) return;
      await db.$queryRaw`SELECT ingest.ensure_telemetry_partitions(((now() AT TIME ZONE 'UTC')::date - 1), ${DAYS_AHEAD + 1}::int)`;
      lastRunAt = clock();
    },
  };
}
