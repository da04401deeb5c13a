/**
 * The background worker process. Any number may run against one database;
 * `npm start` runs one. Stops cleanly on SIGINT/SIGTERM after the current tick.
 */
import type { Hex } from "viem";
import { ANVIL_CHAIN_ID } from "../lib/chain/anvil";
import { LOCAL_DEV_PRIVATE_KEY } from "../lib/chain/deploy";
import { readDeployment } from "../lib/chain/deployments";
import { createAttestationJob } from "../lib/market/attestation";
import { parseServerEnv, ConfigError, type ServerEnv } from "../lib/config/env";
import { createDbClient } from "../lib/db/client";
import { createAuthCleanupJob } from "../lib/auth/cleanup";
import { ChainIndexer, createIndexerJob, indexerSettings } from "../lib/indexer";
import { createTelemetryPartitionsJob } from "../lib/ingest/store-partitions";
import { createMapRefreshJob } from "../lib/map/refresh";
import { createHourlyProcessingJob } from "../lib/processing/hourly-job";
import { createRateLimitCleanupJob } from "../lib/http/shared-rate-limit";
import { createAlertsJob } from "../lib/admin/alerts";
import { createPublicClient, createWalletClient } from "viem";
import { chainTransport, redactRpcUrl } from "../lib/chain/transport";
import { privateKeyToAccount } from "viem/accounts";
import { releaseProver } from "../lib/proofs/prover";
import { createRewardEpochJob } from "../lib/rewards/epoch-job";
import { epochTiming } from "../lib/rewards/readiness";
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
  if (env.RPC_URLS.length > 1) log(`chain RPC: ${env.RPC_URLS.length} endpoints, tried in order (${env.RPC_URLS.map(redactRpcUrl).join(", ")})`);
  log(`indexing chain ${deployment.chainId} from block ${deployment.blockNumber} (${settings.confirmations} confirmation(s), ${settings.batchBlocks} blocks per batch)`);
  const jobs = [createIndexerJob(new ChainIndexer({ rpcUrl: env.RPC_URLS, rpcTimeoutMs: env.RPC_TIMEOUT_MS, deployment, ...settings, log }))];
  const attesterKey = (env.MARKET_ATTESTER_PRIVATE_KEY ?? env.DEPLOYER_PRIVATE_KEY ?? (deployment.chainId === ANVIL_CHAIN_ID ? LOCAL_DEV_PRIVATE_KEY : undefined)) as Hex | undefined;
  if (attesterKey) jobs.push(createAttestationJob({ rpcUrl: env.RPC_URLS, rpcTimeoutMs: env.RPC_TIMEOUT_MS, chainId: deployment.chainId, marketplace: deployment.contracts.Marketplace, attesterKey, log }));
  else log("no MARKET_ATTESTER_PRIVATE_KEY: running without marketplace delivery attestation");
  return jobs;
}

/** The reward epoch job; it submits proofs only with an RPC, a deployment and a submitter key. */
function rewardJob(env: ServerEnv, log: (message: string) => void): WorkerJob {
  const { epochSeconds, settleMs, leaseMs } = epochTiming(env);
  const timing = `every ${epochSeconds} s, closing ${settleMs / 1000} s after the window (lease ${leaseMs / 1000} s)`;
  const deployment = env.RPC_URL ? readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID) : null;
  const key = (env.REWARD_SUBMITTER_PRIVATE_KEY ?? env.DEPLOYER_PRIVATE_KEY ?? (env.CHAIN_ID === 31337 ? LOCAL_DEV_PRIVATE_KEY : undefined)) as `0x${string}` | undefined;
  if (!env.RPC_URL || !deployment || !key) {
    log(`reward epochs ${timing}: computed and proved only (no RPC, deployment or submitter key)`);
    return createRewardEpochJob({ epochSeconds, clients: null, log, leaseMs, settleMs });
  }
  const transport = chainTransport(env.RPC_URLS, { timeoutMs: env.RPC_TIMEOUT_MS });
  const clients = {
    publicClient: createPublicClient({ transport }),
    walletClient: createWalletClient({ account: privateKeyToAccount(key), transport }),
    address: deployment.contracts.RewardDistributor,
  };
  log(`reward epochs ${timing}, submitted to RewardDistributor ${clients.address}`);
  return createRewardEpochJob({ epochSeconds, clients, log, leaseMs, settleMs });
}

async function main(): Promise<void> {
  const env = parseServerEnv();
  if (!env.DATABASE_URL) throw new ConfigError(["DATABASE_URL: required by the worker (npm start sets it)"]);
  const db = createDbClient(env.DATABASE_URL);
  const controller = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => controller.abort());
  try {
    const jobs = [
      ...indexerJobs(env, console.log),
      createTelemetryPartitionsJob(),
      createAuthCleanupJob(),
      createHourlyProcessingJob({ log: console.log }),
      createRateLimitCleanupJob(),
      createAlertsJob(),
      createMapRefreshJob({ log: console.log }),
      rewardJob(env, console.log),
    ];
    await runWorker({ db, jobs, tickMs: env.WORKER_TICK_MS, signal: controller.signal, log: console.log });
  } finally {
    await db.$disconnect();
    await releaseProver();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
