import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { ServerEnv } from "../../lib/config/env";
import { startAnvil } from "../../lib/chain/anvil";
import { ensureDeployed, type Deployment } from "../../lib/chain/deploy";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { logger, type Logger } from "./log";

/** The infrastructure every process of the app talks to, started or configured. */
export interface Stack {
  databaseUrl: string;
  rpcUrl: string;
  deploymentsFile: string;
  deployment: Deployment;
  /** Stops what this process started (never an external database or chain). */
  stop(): Promise<void>;
}

/**
 * Brings up PostgreSQL and the chain: the configured ones when DATABASE_URL /
 * RPC_URL are set, otherwise embedded ones whose data lives under DATA_DIR,
 * then applies migrations and makes sure the contracts are deployed.
 */
export async function bootStack(env: ServerEnv, root: string): Promise<Stack> {
  const dataDir = resolve(root, env.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne().catch(() => undefined);
  };

  try {
    // Started side by side; each registers its stop as soon as it is up, so a
    // failure of one still stops the other.
    const [database, chain] = await Promise.allSettled([
      (async () => {
        if (env.DATABASE_URL) return env.DATABASE_URL;
        const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, "postgres"), port: env.PG_PORT, log: logger("postgres") });
        stops.push(pg.stop);
        return pg.url;
      })(),
      (async () => {
        if (env.RPC_URL) return env.RPC_URL;
        mkdirSync(join(dataDir, "anvil"), { recursive: true });
        const anvil = await startAnvil({ port: env.ANVIL_PORT, statePath: join(dataDir, "anvil", "state.json"), log: withoutRpcCallLines(logger("anvil")) });
        stops.push(anvil.stop);
        return anvil.rpcUrl;
      })(),
    ]);
    if (database.status === "rejected") throw database.reason;
    if (chain.status === "rejected") throw chain.reason;
    const databaseUrl = database.value;
    const rpcUrl = chain.value;

    const migrateLog = logger("migrate");
    const { applied } = await applyMigrations(databaseUrl);
    migrateLog(applied.length ? `applied ${applied.join(", ")}` : "database schema is up to date");

    // A local chain's addresses live with its state; a public chain's file is committed.
    const deploymentsFile = env.RPC_URL ? resolve(root, env.DEPLOYMENTS_FILE) : join(dataDir, "deployments.json");
    const deployment = await ensureDeployed({
      // Configured endpoints are tried in order (RPC_URLS); an embedded anvil is the only one.
      rpcUrl: env.RPC_URL ? env.RPC_URLS : rpcUrl,
      deployerPrivateKey: env.DEPLOYER_PRIVATE_KEY as `0x${string}` | undefined,
      deploymentsFile,
      log: logger("deploy"),
    });
    return { databaseUrl, rpcUrl, deploymentsFile, deployment, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** anvil prints every JSON-RPC method it serves; keep its other lines (transactions, errors). */
function withoutRpcCallLines(log: Logger): Logger {
  return (line) => {
    if (!/^\s*(eth|net|web3|anvil|evm|debug|trace|txpool|ots)_\w+\s*$/.test(line)) log(line);
  };
}
