import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { createPublicClient, createWalletClient, getAddress, http, parseEventLogs, stringToHex, zeroAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { ensureDeployed, LOCAL_DEV_PRIVATE_KEY, type Deployment } from "../../../lib/chain/deploy";
import { createDbClient, type PrismaClient } from "../../../lib/db/create-client";
import type { TemporaryDatabase } from "../../../lib/db/embedded";
import { ChainIndexer } from "../../../lib/indexer";
import { createIngestDeps, ingestBatch } from "../../../lib/ingest/pipeline";
import { signTelemetry } from "../../../lib/ingest/sign";
import { createIngestPool } from "../../../lib/ingest/store";
import { epochWindow } from "../../../lib/rewards/epoch";
import { publishPolicy } from "../../../lib/rewards/policies";
import { HOUR_MS } from "../../../lib/aggregates";
import { tempDir } from "../chain/helpers";
import { migratedDatabase } from "../indexer/harness";
import { startScript, type ChildScript } from "../ingest/child-script";
import { restartableAnvil } from "./endpoints";

/**
 * RPC outage mid-load: the chain (anvil with --state) is stopped while the real
 * worker process runs and devices keep sending telemetry, then started again.
 * While it is down: ingest accepts everything, the database-only jobs (hourly
 * processing) keep running, the reward epoch is computed and proved but its
 * submission fails again and again without being given up. Once it is back,
 * with no process restarted: the indexer catches up with exactly the chain's
 * events (none skipped, none twice) and the epoch is submitted and finalized
 * exactly once on-chain.
 */

const EPOCH_SECONDS = 600;
const ATTEMPT_LIMIT = 5; // createRewardEpochJob's default maxAttempts: the outage must outlast it
/** The soak run keeps the chain down longer than the failures above need. */
const MIN_OUTAGE_MS = Number(process.env.RPC_OUTAGE_SECONDS ?? 0) * 1000;
const dir = tempDir();
const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
const { windowStart } = epochWindow(epoch, EPOCH_SECONDS);

let chain: Awaited<ReturnType<typeof restartableAnvil>>;
let database: TemporaryDatabase;
let db: PrismaClient;
let pool: pg.Pool;
let deployment: Deployment;
let deploymentsFile: string;
let worker: ChildScript | null = null;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, output: () => string, limitMs = 240_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs / 1000} s; worker output:\n${output().slice(-4000)}`);
    await sleep(250);
  }
}

function clients() {
  const transport = http(chain.rpcUrl);
  return { publicClient: createPublicClient({ transport }), walletClient: createWalletClient({ account: admin, transport }) };
}

async function write(request: Parameters<ReturnType<typeof clients>["walletClient"]["writeContract"]>[0]): Promise<void> {
  const { publicClient, walletClient } = clients();
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
  if (receipt.status !== "success") throw new Error("transaction failed");
}

function newDevices(count: number) {
  return Array.from({ length: count }, () => {
    const key = generatePrivateKey();
    return { key, address: privateKeyToAccount(key).address };
  });
}

async function registerOnChain(projectId: bigint, devices: ReadonlyArray<{ address: Hex }>): Promise<void> {
  await write({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [projectId, devices.map((d) => ({ device: getAddress(d.address), model: stringToHex("AQ", { size: 32 }), claimKey: zeroAddress }))],
  });
}

async function telemetry(device: { key: Hex; address: Hex }, fromSequence: number, timestamps: number[]) {
  const messages = await Promise.all(
    timestamps.map((timestamp, i) => signTelemetry(device.key, { device: device.address.toLowerCase() as Hex, sequence: BigInt(fromSequence + i), timestamp, temperatureCentiC: 2000 + i })),
  );
  return ingestBatch(createIngestDeps(pool), { messages: messages.map((value) => ({ ok: true as const, value })), transport: "http" });
}

beforeAll(async () => {
  chain = await restartableAnvil(join(dir.path, "anvil-state.json"));
  deploymentsFile = join(dir.path, "deployments.json");
  deployment = await ensureDeployed({ rpcUrl: chain.rpcUrl, deploymentsFile });
  writeFileSync(deploymentsFile, JSON.stringify({ [String(deployment.chainId)]: deployment }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  const adminUrl = new URL(inject("databaseUrl"));
  adminUrl.pathname = "/postgres";
  database = await migratedDatabase(adminUrl.toString());
  db = createDbClient(database.url);
  pool = createIngestPool(database.url, 4);
}, 180_000);

afterAll(async () => {
  await worker?.kill();
  await pool?.end();
  await db?.$disconnect();
  await database?.drop();
  await chain?.close();
  dir.remove();
});

describe("RPC outage", () => {
  it("the worker resumes indexing and reward submission by itself; ingest and database jobs never stop", async () => {
    const output = () => worker?.output() ?? "";
    // ── Before the outage: a funded project with indexed devices and an epoch's telemetry.
    const { publicClient } = clients();
    const onchainProjectId = await publicClient.readContract({ address: deployment.contracts.ProjectRegistry, abi: projectRegistryAbi, functionName: "projectCount" }).then((n) => n + 1n);
    await write({ chain: null, address: deployment.contracts.ProjectRegistry, abi: projectRegistryAbi, functionName: "createProject", args: ["Outage", "", deployment.contracts.RewardToken] });
    const devices = newDevices(3);
    await registerOnChain(onchainProjectId, devices);
    const fund = 10n ** 21n;
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, fund] });
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, fund] });
    await write({ chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, fund] });
    await new ChainIndexer({ rpcUrl: chain.rpcUrl, deployment, confirmations: 0, batchBlocks: 1000 }).catchUp(db);
    const project = await db.project.findFirstOrThrow({ where: { onchainId: onchainProjectId } });

    const epochReadings = (minutes: number) => Array.from({ length: minutes }, (_, m) => windowStart.getTime() + m * 60_000 + 5_000);
    expect((await telemetry(devices[0]!, 1, epochReadings(5))).every((r) => r.status === "accepted")).toBe(true);
    expect((await telemetry(devices[1]!, 1, epochReadings(3))).every((r) => r.status === "accepted")).toBe(true);
    const policy = await publishPolicy(db, project.id, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" });
    // Published inside the epoch with the readings above, so that epoch is the job's first, and it has closed.
    await db.rewardPolicy.update({ where: { id: policy.id }, data: { createdAt: new Date(windowStart.getTime() + 1000) } });

    // Chain activity the index has not seen yet: the outage must not make it skip these.
    const late = newDevices(4);
    await registerOnChain(onchainProjectId, late);
    const headBefore = await publicClient.getBlockNumber();

    // ── Outage: the chain goes away, then the worker starts (as after a deploy during an outage).
    await chain.stop();
    const outageStarted = Date.now();
    worker = startScript("scripts/worker.ts", {
      NODE_ENV: "production",
      DATABASE_URL: database.url,
      RPC_URL: chain.rpcUrl,
      RPC_TIMEOUT_MS: "1000",
      CHAIN_ID: String(deployment.chainId),
      DEPLOYMENTS_FILE: deploymentsFile,
      WORKER_TICK_MS: "200",
      INDEXER_CONFIRMATIONS: "0",
      REWARD_EPOCH_SECONDS: String(EPOCH_SECONDS),
    });
    await worker.waitFor(/worker \S+ started/);

    // Devices keep reporting during the outage: ingest does not depend on the chain.
    const hourAgo = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
    const duringOutage = await telemetry(devices[2]!, 1, [hourAgo + 60_000, hourAgo + 120_000, hourAgo + 180_000]);
    expect(duringOutage.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
    // The database-only jobs keep running while the chain jobs fail.
    await until("hourly processing during the outage", () => db.deviceHour.findFirst({ where: { device: devices[2]!.address.toLowerCase(), hourStart: new Date(hourAgo) } }), output);
    // The epoch is computed and proved; its submission fails, more times than a real failure is allowed.
    await until(
      "repeated submission failures",
      async () => (output().match(/reward-epochs: project \d+:/g)?.length ?? 0) > ATTEMPT_LIMIT + 1,
      output,
    );
    const stalled = await db.rewardEpoch.findFirst({ where: { projectId: project.id, epoch } });
    if (!stalled) throw new Error(`no epoch ${epoch}:\n${output().slice(-3000)}`);
    expect(stalled.status).toBe("proved");
    expect(stalled.attempts).toBe(0);
    expect(stalled.error).toBeTruthy();
    expect(output()).toMatch(/job indexer:31337 failed/);
    expect((await db.indexerCursor.findFirstOrThrow()).blockNumber).toBeLessThan(headBefore);

    // ── The chain comes back with its state; nothing is restarted.
    await sleep(Math.max(0, outageStarted + MIN_OUTAGE_MS - Date.now()));
    await chain.start();
    // Every block kept, plus the one restartableAnvil's stop() mines so that anvil's state file keeps the newest.
    expect(await publicClient.getBlockNumber({ cacheTime: 0 })).toBe(headBefore + 1n);
    const confirmed = await until("the epoch confirmed after the outage", async () => {
      const row = await db.rewardEpoch.findFirst({ where: { projectId: project.id, epoch } });
      return row?.status === "confirmed" ? row : null;
    }, output);
    await until("the index caught up", async () => ((await db.indexerCursor.findFirst())?.blockNumber ?? -1n) >= (await publicClient.getBlockNumber({ cacheTime: 0 })), output);
    await worker.kill();
    worker = null;

    // Exactly once on-chain: one batch submission per batch, one finalization, the epoch is the project's last.
    const logs = await publicClient.getLogs({ address: deployment.contracts.RewardDistributor, fromBlock: BigInt(deployment.blockNumber), toBlock: "latest" });
    const events = parseEventLogs({ abi: rewardDistributorAbi, logs }).filter((e) => "projectId" in e.args && e.args.projectId === onchainProjectId);
    expect(events.filter((e) => e.eventName === "BatchSubmitted")).toHaveLength(confirmed.batchCount);
    expect(events.filter((e) => e.eventName === "EpochFinalized")).toHaveLength(1);
    expect(await publicClient.readContract({ address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "lastEpochOf", args: [onchainProjectId] })).toBe(BigInt(epoch));
    expect(confirmed.attempts).toBe(0);

    // The index holds exactly the chain's events: none skipped across the outage, none twice.
    const chainLogs = await publicClient.getLogs({ address: [deployment.contracts.ProjectRegistry, deployment.contracts.DeviceRegistry, deployment.contracts.Marketplace], fromBlock: BigInt(deployment.blockNumber), toBlock: "latest" });
    const stored = await db.chainEvent.findMany({ select: { blockNumber: true, logIndex: true } });
    expect(stored.map((e) => `${e.blockNumber}:${e.logIndex}`).sort()).toEqual(chainLogs.map((l) => `${l.blockNumber}:${l.logIndex}`).sort());
    expect(await db.device.count({ where: { projectId: project.id } })).toBe(devices.length + late.length);
    // Ingest during the outage stored each message once.
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM ingest.telemetry WHERE device = $1", [Buffer.from(devices[2]!.address.slice(2), "hex")]);
    expect(rows[0]!.n).toBe("3");
  }, 600_000 + MIN_OUTAGE_MS);
});
