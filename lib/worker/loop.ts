import "server-only";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { PrismaClient } from "../db/generated/client";
import { beat, leave, type WorkerIdentity } from "./heartbeat";

/** A unit of background work run on every tick; later features register theirs here. */
export interface WorkerJob {
  name: string;
  run(context: { db: PrismaClient; signal: AbortSignal }): Promise<void>;
}

export interface WorkerOptions {
  db: PrismaClient;
  jobs: readonly WorkerJob[];
  tickMs: number;
  signal: AbortSignal;
  log: (message: string) => void;
  /** A health line every this many ticks. */
  healthEvery?: number;
}

export async function runWorker({ db, jobs, tickMs, signal, log, healthEvery = 12 }: WorkerOptions): Promise<void> {
  const identity: WorkerIdentity = {
    workerId: `${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    host: hostname(),
    pid: process.pid,
    startedAt: new Date(),
  };
  log(`worker ${identity.workerId} started with ${jobs.length} job(s), tick ${tickMs} ms`);
  let ticks = 0;
  let failures = 0;
  while (!signal.aborted) {
    ticks += 1;
    try {
      await beat(db, identity, ticks);
      let failedJobs = 0;
      for (const job of jobs) {
        if (signal.aborted) break;
        // Each job on its own: an RPC outage stalls the chain jobs, never the database-only
        // ones (hourly processing, partitions, map, alerts) that follow them in the tick.
        try {
          await job.run({ db, signal });
        } catch (error) {
          failedJobs += 1;
          log(`tick ${ticks}: job ${job.name} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (failedJobs > 0) failures += 1;
      if (ticks % healthEvery === 1) log(`healthy: tick ${ticks}, ${failures} failed tick(s), ${jobs.length} job(s)`);
    } catch (error) {
      // A database restart or a failing job must not kill the worker; the next tick retries.
      failures += 1;
      log(`tick ${ticks} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    await sleep(tickMs, signal);
  }
  await leave(db, identity.workerId).catch(() => undefined);
  log(`worker ${identity.workerId} stopped after ${ticks} tick(s)`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}
