import "server-only";
import type { WorkerJob } from "../worker/loop";
import type { ComputeOptions } from "./compute-hour";
import { processHour } from "./process-hour";
import { LATE_SLACK_MS, staleHours } from "./stale-hours";

export interface HourlyJobOptions extends ComputeOptions {
  /** Unix ms; decides which hours are finished and paces the runs. */
  clock?: () => number;
  /** At most one run per this many ms (the worker ticks every 5 s). */
  everyMs?: number;
  log?: (message: string) => void;
  /** See LATE_SLACK_MS; tests set 0 to see exactly which hours a late row makes stale. */
  lateSlackMs?: number;
}

const EVERY_MS = 60_000;

/**
 * Keeps DeviceHour up to date: every ~minute, (re)computes each finished hour
 * of the last 48 h that has telemetry newer than its computation. Idempotent
 * across runs and workers: an hour's rows are a pure function of its telemetry.
 */
export function createHourlyProcessingJob(options: HourlyJobOptions = {}): WorkerJob {
  const { clock = Date.now, everyMs = EVERY_MS, log = console.log, lateSlackMs = LATE_SLACK_MS, ...compute } = options;
  let lastRunAt = Number.NEGATIVE_INFINITY;
  return {
    name: "hourly-processing",
    async run({ db, signal }) {
      if (clock() - lastRunAt < everyMs) return;
      lastRunAt = clock();
      for (const hour of await staleHours(db, clock(), lateSlackMs)) {
        if (signal.aborted) return;
        try {
          const result = await processHour(db, hour, compute);
          if (result.status === "done") log(`hourly-processing: ${hour.toISOString()} computed for ${result.devices} device(s)`);
        } catch (error) {
          // One bad hour must not starve the others; it stays stale and is retried next run.
          log(`hourly-processing: ${hour.toISOString()} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    },
  };
}
