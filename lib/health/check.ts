import "server-only";
import { createPublicClient, type Address } from "viem";
import { chainById } from "@/lib/config/chains";
import { serverEnv, type ServerEnv } from "@/lib/config/env";
import { readDeployment } from "@/lib/chain/deployments";
import { chainTransport } from "@/lib/chain/transport";
import { db } from "@/lib/db/client";
import { overallStatus, type ChainCheck, type DatabaseCheck, type HealthReport, type WorkerCheck } from "./summary";
import { describeFailure, withTimeout } from "./with-timeout";

/** Each dependency gets this long; they run in parallel, so the whole check stays under ~3 s. */
const CHECK_TIMEOUT_MS = 2_500;

export async function checkHealth(env: ServerEnv = serverEnv(), now = new Date()): Promise<HealthReport> {
  const [database, chain, worker] = await Promise.all([checkDatabase(), checkChain(env), checkWorker(env, now)]);
  const checks = { database, chain, worker };
  return { status: overallStatus(checks), checks };
}

async function timed<T>(work: () => Promise<T>): Promise<{ value?: T; error?: string; latencyMs: number }> {
  const started = performance.now();
  try {
    const value = await withTimeout(work(), CHECK_TIMEOUT_MS, "dependency");
    return { value, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return { error: describeFailure(error), latencyMs: Math.round(performance.now() - started) };
  }
}

async function checkDatabase(): Promise<DatabaseCheck> {
  const result = await timed(() => db().$queryRaw`SELECT 1`);
  return result.error === undefined
    ? { ok: true, latencyMs: result.latencyMs }
    : { ok: false, latencyMs: result.latencyMs, error: `database: ${result.error}` };
}

async function checkChain(env: ServerEnv): Promise<ChainCheck> {
  const base = { chainId: env.CHAIN_ID, contractsDeployed: false };
  if (!env.RPC_URL) return { ...base, ok: false, latencyMs: 0, error: "RPC_URL is not configured" };
  const client = createPublicClient({
    chain: chainById(env.CHAIN_ID),
    // The overall timeout is ours; retries would only hide a slow node.
    transport: chainTransport(env.RPC_URLS, { timeoutMs: CHECK_TIMEOUT_MS, retryCount: 0 }),
  });

  const result = await timed(async () => {
    const deployment = readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID);
    const [rpcChainId, blockNumber] = await Promise.all([client.getChainId(), client.getBlockNumber({ cacheTime: 0 })]);
    const registries = deployment
      ? [deployment.contracts.ProjectRegistry, deployment.contracts.DeviceRegistry].filter(
          (address): address is Address => typeof address === "string",
        )
      : [];
    // A deployments file can outlive a reset chain; code at the addresses is the real proof.
    const codes = await Promise.all(registries.map((address) => client.getCode({ address })));
    const contractsDeployed = registries.length === 2 && codes.every((code) => code !== undefined && code !== "0x");
    return { rpcChainId, blockNumber, contractsDeployed };
  });

  if (result.value === undefined) {
    return { ...base, ok: false, latencyMs: result.latencyMs, error: `chain: ${result.error ?? "no answer"}` };
  }
  const { rpcChainId, blockNumber, contractsDeployed } = result.value;
  const check: ChainCheck = {
    ...base,
    ok: false,
    latencyMs: result.latencyMs,
    blockNumber: Number(blockNumber),
    contractsDeployed,
  };
  if (rpcChainId !== env.CHAIN_ID) {
    return { ...check, error: `the RPC serves chain ${rpcChainId}, but CHAIN_ID is ${env.CHAIN_ID}` };
  }
  if (!contractsDeployed) {
    return { ...check, error: `contracts are not deployed on chain ${env.CHAIN_ID} (see ${env.DEPLOYMENTS_FILE})` };
  }
  return { ...check, ok: true };
}

async function checkWorker(env: ServerEnv, now: Date): Promise<WorkerCheck> {
  const freshSince = new Date(now.getTime() - env.WORKER_STALE_SECONDS * 1000);
  const result = await timed(async () => {
    const client = db();
    const [latest, instances] = await Promise.all([
      client.workerHeartbeat.findFirst({ orderBy: { beatAt: "desc" }, select: { beatAt: true } }),
      client.workerHeartbeat.count({ where: { beatAt: { gte: freshSince } } }),
    ]);
    return { lastBeatAt: latest?.beatAt ?? null, instances };
  });
  if (result.value === undefined) {
    return { ok: false, instances: 0, lastBeatAt: null, ageSeconds: null, error: `worker heartbeats: ${result.error ?? "no answer"}` };
  }
  const { lastBeatAt, instances } = result.value;
  const ageSeconds = lastBeatAt ? Math.max(0, Math.round((now.getTime() - lastBeatAt.getTime()) / 1000)) : null;
  const report: WorkerCheck = { ok: instances > 0, instances, lastBeatAt: lastBeatAt?.toISOString() ?? null, ageSeconds };
  if (instances > 0) return report;
  return {
    ...report,
    error: lastBeatAt
      ? `no worker heartbeat in the last ${env.WORKER_STALE_SECONDS} s (last ${ageSeconds} s ago)`
      : "no worker has ever reported a heartbeat",
  };
}
