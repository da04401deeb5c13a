import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hex } from "viem";
import { expect, inject } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import type { PrismaClient } from "../../../lib/db/create-client";
import { telemetryDigest } from "../../../lib/ingest/encoding";
import { signTelemetry } from "../../../lib/ingest/sign";
import { createIngestPool } from "../../../lib/ingest/store";
import { tempDir } from "../chain/helpers";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";

/**
 * Machinery of the scale-out chaos tests: seeded randomness (the seed is
 * printed; FUZZ_SEED replays a run), real script processes started the way
 * `npm start` starts them, and SIGKILL. Shared by scale-out.test.ts (workers),
 * scale-out-ingest.test.ts (brokers and workers under MQTT load),
 * scale-out-http.test.ts (`next start` instances and workers under HTTP load) and
 * scale-out-epochs.test.ts (workers closing reward epochs).
 */

export type ChaosHarness = IndexerHarness & { deploymentsFile: string };

/** A chaos test's own chain and migrated database, and the deployments file its processes read; `stop` removes all of it. */
export async function startChaosHarness(): Promise<ChaosHarness> {
  const h = await startIndexerHarness(inject("databaseUrl"));
  const dir = tempDir();
  const deploymentsFile = writeDeploymentsFile(h, dir.path);
  return {
    ...h,
    deploymentsFile,
    stop: async () => {
      await h.stop();
      dir.remove();
    },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FUZZ_SEED, or a fresh seed; print it so a failing run can be replayed. */
export function chaosSeed(): number {
  return Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
}

/** A small LCG: deterministic for a seed, good enough to pick victims and moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A positive whole number from the environment (the soak run raises these), or the default. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface ScriptProcess {
  child: ChildProcess;
  /** Resolves once the process printed `ready` (tsx start-up takes seconds here) or exited; a kill before that would prove nothing. */
  started: Promise<void>;
}

/** scripts/<name>.ts as its own Node process (tsx as an import hook, so a SIGKILL hits the process doing the work); output goes to `logs`. */
export function startScriptProcess(script: string, env: Record<string, string>, ready: RegExp, logs: string[]): ScriptProcess {
  return startProcess(process.execPath, ["--import", "tsx", "--conditions=react-server", script], env, ready, logs);
}

/** Any command as a child process (e.g. `next start`), started once it printed `ready`; output goes to `logs`. */
export function startProcess(command: string, args: string[], env: Record<string, string>, ready: RegExp, logs: string[]): ScriptProcess {
  const child = spawn(command, args, {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started = new Promise<void>((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      logs.push(chunk.toString());
      if (ready.test(chunk.toString())) resolve();
    });
    child.once("exit", () => resolve());
  });
  child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  return { child, started };
}

export function stopProcess({ child }: ScriptProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

/** A deployments file in `dir` naming the harness's contracts, for worker processes (DEPLOYMENTS_FILE). */
function writeDeploymentsFile(h: IndexerHarness, dir: string): string {
  const file = join(dir, "deployments.json");
  writeFileSync(file, JSON.stringify({ [String(h.deployment.chainId)]: h.deployment }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  return file;
}

/** scripts/worker.ts against the harness's database and chain, ticking fast; `env` adds or overrides settings. */
export function startWorker(h: ChaosHarness, logs: string[], env: Record<string, string> = {}): ScriptProcess {
  return startScriptProcess(
    "scripts/worker.ts",
    {
      NODE_ENV: "production",
      DATABASE_URL: h.databaseUrl,
      RPC_URL: h.rpcUrl,
      CHAIN_ID: String(h.deployment.chainId),
      DEPLOYMENTS_FILE: h.deploymentsFile,
      WORKER_TICK_MS: "100",
      INDEXER_CONFIRMATIONS: "0",
      // Small batches: many commits for a kill to land between (or inside).
      INDEXER_BATCH_BLOCKS: "2",
      ...env,
    },
    /worker \S+ started/,
    logs,
  );
}

/**
 * Columns that differ between equal runs: row ids and the ids they point at, times, the reward job's leases and
 * timings, transaction hashes (the submitter's nonces interleave differently) and groth16 proofs (randomised; their
 * public signals are compared instead, and the contract accepted each).
 */
const VOLATILE = new Set(["id", "projectId", "cursorId", "epochId", "policyId", "createdAt", "updatedAt", "computedAt", "confirmedAt", "leaseOwner", "leaseUntil", "timings", "submitTx", "finalizeTx", "proof", "provingMs"]);

/** Rows without their volatile columns, as comparable strings. */
export const stable = <T extends object>(rows: T[]) =>
  rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => !VOLATILE.has(key))), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));

/**
 * What the workers build, comparable across runs: the chain index, its projections, the hourly rows and the reward
 * epochs up to `epochsThrough` (a later epoch may close during one run and not the other; default: all, the
 * largest Int).
 */
export async function projectionSnapshot(db: PrismaClient, { epochsThrough = 2 ** 31 - 1 } = {}) {
  const cursor = await db.indexerCursor.findFirstOrThrow();
  const epochs = { epoch: { lte: epochsThrough } };
  const byEpoch = { include: { epoch: { select: { epoch: true } } } };
  return {
    cursor: { blockNumber: cursor.blockNumber.toString(), blockHash: cursor.blockHash },
    events: stable(await db.chainEvent.findMany({ orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] })),
    projects: stable(await db.project.findMany({ orderBy: { onchainId: "asc" } })),
    devices: stable(await db.device.findMany({ orderBy: { address: "asc" }, include: { project: { select: { onchainId: true } } } })),
    hours: stable(await db.deviceHour.findMany({ orderBy: [{ device: "asc" }, { hourStart: "asc" }] })),
    rewardSlots: stable(await db.rewardSlot.findMany({ orderBy: [{ projectId: "asc" }, { slot: "asc" }] })),
    // The inputs document names the project by its database id, which a re-index changes. Retries (error, attempts)
    // are the job's bookkeeping, not a result: a worker whose lease ran out mid-step sees its successor's transaction.
    rewardEpochs: stable(
      (await db.rewardEpoch.findMany({ where: epochs, orderBy: [{ projectId: "asc" }, { epoch: "asc" }] })).map(({ error: _error, attempts: _attempts, ...row }) => ({ ...row, inputs: { ...(row.inputs as object), projectId: undefined } })),
    ),
    rewardBatches: stable(await db.rewardBatch.findMany({ where: { epoch: epochs }, orderBy: [{ epoch: { projectId: "asc" } }, { epoch: { epoch: "asc" } }, { batchIndex: "asc" }], ...byEpoch })),
    rewardDevices: stable(await db.rewardDeviceEpoch.findMany({ where: { epoch: epochs }, orderBy: [{ epoch: { projectId: "asc" } }, { epoch: { epoch: "asc" } }, { slot: "asc" }], ...byEpoch })),
  };
}

/**
 * Forgets every projection the workers build, reward epochs included; the chain and the raw telemetry stay. Reward
 * policies go too: they point at the project's database id, which the re-index changes (publish again afterwards).
 */
export async function resetProjections(db: PrismaClient): Promise<void> {
  await db.rewardEpoch.deleteMany(); // batches and device results cascade
  await db.rewardSlot.deleteMany();
  await db.rewardPolicy.deleteMany();
  await db.deviceHour.deleteMany();
  await db.device.deleteMany();
  await db.project.deleteMany();
  await db.indexerCursor.deleteMany();
}

/**
 * Each device's readings signed ahead (sequence 1…perDevice, 15 s apart, in finished hours of the last day), and
 * every message's digest by `0x<device>:<sequence>`: what the exactly-once check compares the stored rows with.
 */
export async function signReadings(devices: ReadonlyArray<{ key: Hex; address: string }>, perDevice: number) {
  const firstReading = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 20 * HOUR_MS;
  const signed = await Promise.all(
    devices.map(async (device) => {
      const address = device.address.toLowerCase() as Hex;
      const messages = await Promise.all(
        Array.from({ length: perDevice }, (_, i) => signTelemetry(device.key, { device: address, sequence: BigInt(i + 1), timestamp: firstReading + (i + 1) * 15_000, temperatureCentiC: 2000 + (i % 500) })),
      );
      return { address, key: device.key, messages };
    }),
  );
  const digests = new Map<string, Hex>(signed.flatMap(({ address, messages }) => messages.map((m) => [`${address}:${m.sequence}`, telemetryDigest(m)] as const)));
  return { signed, digests };
}

/** The workers are done when the index reached the chain's head and every hour with telemetry is computed from all of it. */
export async function workersCaughtUp(h: IndexerHarness): Promise<boolean> {
  const head = await h.chain.publicClient.getBlockNumber({ cacheTime: 0 });
  const cursor = await h.db.indexerCursor.findFirst();
  if (!cursor || cursor.blockNumber < head) return false;
  const [expected] = await h.db.$queryRaw<Array<{ hours: bigint; messages: bigint }>>`
    SELECT count(DISTINCT (device, date_trunc('hour', measured_at)))::bigint AS hours, count(*)::bigint AS messages FROM ingest.telemetry`;
  const computed = await h.db.deviceHour.aggregate({ _count: true, _sum: { messageCount: true } });
  return BigInt(computed._count) === expected!.hours && BigInt(computed._sum.messageCount ?? 0) === expected!.messages;
}

/** Waits for workersCaughtUp with a generous limit: each worker runs the hourly job about once a minute, and tsx start-up takes seconds on a loaded machine. */
export async function untilWorkersCaughtUp(h: IndexerHarness, logs: string[]): Promise<void> {
  for (let i = 0; i < 1600 && !(await workersCaughtUp(h)); i++) await sleep(250);
  if (!(await workersCaughtUp(h))) throw new Error(`workers did not catch up within the time limit; output:\n${logs.join("").slice(-4000)}`);
}

/** Every stored telemetry row as `0x<device>:<sequence>` with its digest: what the exactly-once checks count. */
async function storedTelemetry(databaseUrl: string): Promise<Array<{ key: string; digest: string }>> {
  const pool = createIngestPool(databaseUrl, 2);
  try {
    const { rows } = await pool.query<{ device: Buffer; sequence: string; digest: Buffer }>("SELECT device, sequence::text AS sequence, digest FROM ingest.telemetry");
    return rows.map((r) => ({ key: `0x${r.device.toString("hex")}:${r.sequence}`, digest: `0x${r.digest.toString("hex")}` }));
  } finally {
    await pool.end();
  }
}

/**
 * The chaos run's projections once its workers caught up (then they stop), and the same
 * chain and telemetry projected again from scratch by one undisturbed worker.
 */
async function chaoticAndCalmProjections(h: IndexerHarness, workers: ScriptProcess[], startWorker: () => ScriptProcess, logs: string[]) {
  try {
    await untilWorkersCaughtUp(h, logs);
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w, "SIGTERM")));
  }
  const chaotic = await projectionSnapshot(h.db);
  await resetProjections(h.db);
  const single = startWorker();
  try {
    await untilWorkersCaughtUp(h, logs);
  } finally {
    await stopProcess(single, "SIGTERM");
  }
  return { chaotic, calm: await projectionSnapshot(h.db) };
}

/**
 * The checks that end a chaos run: every message of `digests` (`0x<device>:<sequence>` → digest) stored exactly
 * once, nothing else stored; and once the workers caught up, the index and hourly rows equal those one undisturbed
 * worker computes from scratch on the same chain and telemetry. Returns that worker's snapshot.
 */
export async function expectExactlyOnceAndUndisturbedResults(
  h: IndexerHarness,
  digests: ReadonlyMap<string, string>,
  run: { workers: ScriptProcess[]; startWorker: () => ScriptProcess; logs: string[]; devices: number },
) {
  const stored = await storedTelemetry(h.databaseUrl);
  expect(stored).toHaveLength(digests.size);
  expect(new Set(stored.map((r) => r.key)).size).toBe(digests.size);
  for (const row of stored) expect(row.digest).toBe(digests.get(row.key));

  const { chaotic, calm } = await chaoticAndCalmProjections(h, run.workers, run.startWorker, run.logs);
  expect(calm.devices).toHaveLength(run.devices);
  expect(calm.hours.length).toBeGreaterThan(0);
  expect(chaotic).toEqual(calm);
  return calm;
}
