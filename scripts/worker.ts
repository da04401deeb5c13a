/**
 * The background worker process. Any number may run against one database;
 * `npm start` runs one. Stops cleanly on SIGINT/SIGTERM after the current tick.
 */
import { parseServerEnv, ConfigError } from "../lib/config/env";
import { createDbClient } from "../lib/db/client";
import { runWorker } from "../lib/worker/loop";

async function main(): Promise<void> {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) throw new ConfigError(["DATABASE_URL: required by the worker (npm start sets it)"]);
  const db = createDbClient(env.DATABASE_URL);
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort());
  try {
    await runWorker({ db, jobs: [], tickMs: env.WORKER_TICK_MS, signal: controller.signal, log: console.log });
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
