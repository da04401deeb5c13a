/**
 * The background worker process. Any number may run against one database;
 * `npm start` runs one. Stops cleanly on SIGINT/SIGTERM after the current tick.
 */
import { readDeployment } from "../lib/chain/deployments";
import { parseServerEnv, ConfigError, type ServerEnv } from "../lib/config/env";
import { createDbClient } from "../lib/db/client";
import { createAuthCleanupJob } from "../lib/auth/cleanup";
import { ChainIndexer, createIndexerJob, indexerSettings } from "../lib/indexer";
import { createTelemetryPartitionsJob } from "../lib/ingest/store-partitions";
import { createMapRefreshJob } from "../lib/map/refresh";
import { createHourlyProcessingJob } from "../lib/processing/hourly-job";
import type { WorkerJob } from "../lib/worker/loop";
import { runWorker } from "../lib/worker/loop";

/** The chain indexer for CHAIN_ID's deployment, or none (logged) when there is no RPC or deployment. */
function indexerJobs(env: ServerEnv, log: (message: string) => void): WorkerJob[] {
  if (!env.RPC_URL) {
    log("no RPC_URL: running without the chain indexer");
    return [];
  }
  const deployment = readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID);
  if (!deployment) {
    log(`no deployment for chain ${env.CHAIN_ID} in ${env.DEPLOYMENTS_FILE}: running without the chain indexer`);
    return [];
  }
  const settings = indexerSettings(env, deployment.chainId);
  log(`indexing chain ${deployment.chainId} from block ${deployment.blockNumber} (${settings.confirmations} confirmation(s), ${settings.batchBlocks} blocks per batch)`);
  return [createIndexerJob(new ChainIndexer({ rpcUrl: env.RPC_URL, deployment, ...settings, log }))];
}

async function main(): Promise<void> {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) throw new ConfigError(["DATABASE_URL: required by the worker (npm start sets it)"]);
  const db = createDbClient(env.DATABASE_URL);
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort());
  try {
    const jobs = [...indexerJobs(env, console.log), createTelemetryPartitionsJob(), createAuthCleanupJob(), createHourlyProcessingJob({ log: console.log }), createMapRefreshJob({ log: console.log })];
    await runWorker({ db, jobs, tickMs: env.WORKER_TICK_MS, signal: controller.signal, log: console.log });
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
