/**
 * `npm start`: the whole stack in one terminal. With no configuration it runs
 * an embedded PostgreSQL and a local anvil chain (data under .data/), deploys
 * the contracts, seeds the demo, builds the web app if its sources changed,
 * then runs the worker and the Next.js production server. Ctrl-C stops all.
 */
import { join } from "node:path";
import { ConfigError, parseServerEnv, type ServerEnv } from "../lib/config/env";
import { LOCAL_DEV_PRIVATE_KEY } from "../lib/chain/deploy";
import { createDbClient } from "../lib/db/client";
import { leaveShutdownSignalsToCaller } from "../lib/db/embedded";
import type { HealthReport } from "../lib/health/summary";
import { seedDemo } from "../lib/seed/demo";
import { logger, surviveClosedOutput } from "./lib/log";
import { ensureNextBuild } from "./lib/next-build";
import { bootStack, type Stack } from "./lib/stack";
import { Supervisor } from "./lib/supervisor";

const root = process.cwd();
const log = logger("stack");
const startedAt = Date.now();

function loadEnv(): ServerEnv {
  try {
    return parseServerEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      log(error.message);
      process.exit(1);
    }
    throw error;
  }
}

const env = loadEnv();
const appUrl = process.env.APP_URL || `http://localhost:${env.PORT}`;
let stack: Stack | undefined;
let shuttingDown = false;
// Ctrl-C and SIGTERM go through shutdown() below: the database stops after the processes that use it.
leaveShutdownSignalsToCaller();
surviveClosedOutput();
const supervisor = new Supervisor((name) => void shutdown(`${name} stopped unexpectedly`, 1));

async function shutdown(reason: string, exitCode: number): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  log(`stopping (${reason})`);
  await supervisor.stopAll();
  await stack?.stop();
  log("stopped");
  process.exit(exitCode);
}

// A terminal's Ctrl-C reaches this process twice (directly and relayed by tsx),
// so only a second press a moment later forces an immediate exit.
let firstInterruptAt = 0;
process.on("SIGINT", () => {
  if (!shuttingDown) {
    firstInterruptAt = Date.now();
    void shutdown("Ctrl-C", 0);
  } else if (Date.now() - firstInterruptAt > 1500) {
    log("forced exit");
    process.exit(130);
  }
});
process.on("SIGTERM", () => void shutdown("SIGTERM", 0));
// The terminal closed: the servers run in their own process groups and would outlive us otherwise.
process.on("SIGHUP", () => void shutdown("SIGHUP", 0));

async function waitForHealthy(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  while (Date.now() < deadline && !shuttingDown) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      last = await response.text();
      if (response.ok) return last;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not report healthy within ${timeoutMs / 1000} s: ${last}`);
}

async function main(): Promise<void> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  // The build needs no database or chain, so it runs while they start.
  const build = ensureNextBuild(root, childEnv, logger("build"));
  build.catch(() => undefined);
  stack = await bootStack(env, root);
  if (env.SEED_DEMO ?? stack.deployment.chainId === 31337) {
    const db = createDbClient(stack.databaseUrl);
    try {
      const adminPrivateKey = (env.DEPLOYER_PRIVATE_KEY as `0x${string}` | undefined) ?? LOCAL_DEV_PRIVATE_KEY;
      await seedDemo({ db, rpcUrl: stack.rpcUrl, deployment: stack.deployment, adminPrivateKey, log: logger("seed") });
    } finally {
      await db.$disconnect();
    }
  }
  await build;

  const runtimeEnv: NodeJS.ProcessEnv = {
    ...childEnv,
    NODE_ENV: "production",
    DATABASE_URL: stack.databaseUrl,
    RPC_URL: stack.rpcUrl,
    DEPLOYMENTS_FILE: stack.deploymentsFile,
    APP_URL: appUrl,
    PORT: String(env.PORT),
    MQTT_PORT: String(env.MQTT_PORT),
    // The local demo closes a reward epoch every few minutes so proofs and claims show up quickly.
    REWARD_EPOCH_SECONDS: String(env.REWARD_EPOCH_SECONDS ?? (stack.deployment.chainId === 31337 ? 300 : 86_400)),
  };
  const bin = (name: string) => join(root, "node_modules", ".bin", name);
  supervisor.start("worker", bin("tsx"), ["--conditions=react-server", join(root, "scripts", "worker.ts")], runtimeEnv);
  if (!env.MQTT_URL) {
    supervisor.start("mqtt", bin("tsx"), ["--conditions=react-server", join(root, "scripts", "mqtt-broker.ts")], runtimeEnv);
  } else {
    // Devices talk to the external broker; this process ingests from it (a shared subscription).
    supervisor.start("mqtt-in", bin("tsx"), ["--conditions=react-server", join(root, "scripts", "mqtt-subscriber.ts")], runtimeEnv);
  }
  supervisor.start("web", bin("next"), ["start", "--port", String(env.PORT)], runtimeEnv);

  const { checks } = JSON.parse(await waitForHealthy(`http://127.0.0.1:${env.PORT}/api/health`, 90_000)) as HealthReport;
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  log(
    `ready in ${seconds} s: ${appUrl} — database ${checks.database.latencyMs} ms, ` +
      `chain ${checks.chain.chainId} at block ${checks.chain.blockNumber} ${checks.chain.latencyMs} ms, ` +
      `${checks.worker.instances} worker(s)`,
  );

  if (env.SIMULATOR) {
    const simulatorArgs = [join(root, "scripts", "simulate.ts"), "--devices", String(env.SIMULATOR_DEVICES), "--url", `http://127.0.0.1:${env.PORT}`];
    supervisor.start("simulator", bin("tsx"), simulatorArgs, { ...runtimeEnv, CHAIN_ID: String(stack.deployment.chainId) }, { essential: false });
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void shutdown("start failed", 1);
});
