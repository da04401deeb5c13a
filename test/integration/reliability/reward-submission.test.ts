import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { createPublicClient, createWalletClient, decodeFunctionData, getAddress, parseEventLogs, parseTransaction, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { ensureDeployed, LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import { chainTransport } from "../../../lib/chain/transport";
import { createDbClient, type PrismaClient } from "../../../lib/db/create-client";
import { findFreePort, startEmbeddedPostgres, type RunningPostgres, type TemporaryDatabase } from "../../../lib/db/embedded";
import { createIngestPool } from "../../../lib/ingest/store";
import type { DistributorClients } from "../../../lib/proofs/distributor";
import { claimRequestFor, epochWindow } from "../../../lib/rewards/epoch";
import { createRewardEpochJob } from "../../../lib/rewards/epoch-job";
import { publishPolicy } from "../../../lib/rewards/policies";
import type { WorkerJob } from "../../../lib/worker/loop";
import { tempDir } from "../chain/helpers";
import { migratedDatabase } from "../indexer/harness";
import { createRewardProject, EPOCH_SECONDS, everyMinute, fundRewardPool, lastClosedEpoch, POLICY, POOL_FUNDS, processEpochHours, rewardChain, sendReadings, type RewardChain, type RewardProject } from "../rewards/harness";
import { cuttableRpc, restartableAnvil, type RpcCall } from "./endpoints";

/**
 * Outage in the middle of a reward epoch's submission (issue #9). The reward job the worker runs
 * (createRewardEpochJob with the worker's chain clients, lib/rewards/epoch-job.ts) closes, proves, submits and
 * finalizes one epoch after another, against a chain of this test's own (anvil with --state, reached through a proxy
 * that can cut one call) and a PostgreSQL server of its own. Each epoch is cut at another step:
 *  1. RPC outage at the batch: its transaction is mined, then the node stops and the answer is lost; the node comes
 *     back later with its state.
 *  2. RPC outage at the finalization, the same way.
 *  3. The transport alone loses the batch transaction's answer while the node stays up: the client's retry sends a
 *     transaction the node has already mined ("nonce too low" / "already known").
 *  4. Database restart: PostgreSQL stops right after the finalize transaction is mined, before the job records it.
 * Nothing is done by hand but starting again what was stopped: later ticks of the same job finish every epoch. Then
 * every epoch is published exactly once on-chain with the root and transactions the database holds, none is left in
 * between, no attempt was counted against any (each failure was an outage or a transaction that did land), and each
 * device's owner claims exactly the device's rewards, once.
 */

const EPOCHS = 4;
/** Ticks allowed for one epoch to finish once its outage is over (each tick is a worker tick of the reward job). */
const TICKS_TO_RECOVER = 20;
/**
 * Ticks run while the chain or the database is down: the job keeps failing without giving the epoch up (it runs with
 * maxAttempts 1, so a single failure counted against the epoch would leave it failed for an operator). The soak run
 * keeps each outage up for REWARD_OUTAGE_SECONDS as well.
 */
const TICKS_DURING_OUTAGE = 3;
const MIN_OUTAGE_MS = Number(process.env.REWARD_OUTAGE_SECONDS ?? 0) * 1000;
const dir = tempDir();
const owner = privateKeyToAccount(generatePrivateKey());
const last = lastClosedEpoch().epoch;
const epochs = Array.from({ length: EPOCHS }, (_, i) => last - EPOCHS + 1 + i);
const firstWindow = epochWindow(epochs[0]!, EPOCH_SECONDS).windowStart;

let anvil: Awaited<ReturnType<typeof restartableAnvil>>;
let rpc: Awaited<ReturnType<typeof cuttableRpc>>;
let postgresPort: number;
let postgres: RunningPostgres;
let database: TemporaryDatabase;
let db: PrismaClient;
let pool: pg.Pool;
let chain: RewardChain;
let project: RewardProject;
let job: WorkerJob;
/** The job's clock: each scenario closes one more epoch. */
let now = 0;
const jobLog: string[] = [];

const startPostgres = async () => (postgres = await startEmbeddedPostgres({ dataDir: join(dir.path, "postgres"), port: postgresPort }));

/** A call that sends a RewardDistributor transaction calling `functionName`. */
const sends = (functionName: string) => (call: RpcCall) => {
  if (call.method !== "eth_sendRawTransaction") return false;
  const { data } = parseTransaction(call.params![0] as Hex);
  return data !== undefined && decodeFunctionData({ abi: rewardDistributorAbi, data }).functionName === functionName;
};

/** One worker tick of the reward job: a failure is logged, as runWorker does, and the next tick goes on. */
async function tick(): Promise<void> {
  await job.run({ db, signal: new AbortController().signal }).catch((error: unknown) => jobLog.push(`tick failed: ${String(error)}`));
}

async function ticksUntilConfirmed(epoch: number) {
  for (let ticks = 0; ticks < TICKS_TO_RECOVER; ticks++) {
    await tick();
    const row = await db.rewardEpoch.findUnique({ where: { projectId_epoch: { projectId: project.projectId, epoch } } });
    if (row?.status === "confirmed") return row;
  }
  throw new Error(`epoch ${epoch} not confirmed within ${TICKS_TO_RECOVER} ticks; job log:\n${jobLog.slice(-30).join("\n")}`);
}

/**
 * Arms a cut at the next call that `match`es, ticks until the job sends that call, waits for `during` (the tick that
 * sent it may already have ended: stopping PostgreSQL outlasts a few failing ticks), then, with `outage`, ticks
 * `TICKS_DURING_OUTAGE` more times (and for at least MIN_OUTAGE_MS) while whatever `during` stopped stays down.
 */
async function tickThroughCut(match: (call: RpcCall) => boolean, during: () => Promise<void>, options: { dropAnswer?: boolean; outage: boolean }): Promise<void> {
  let sent = false;
  const cut = rpc.cutAt((call) => (sent = match(call)), during, options);
  for (let ticks = 0; !sent; ticks++) {
    if (ticks === TICKS_TO_RECOVER) throw new Error(`the job never sent the call to cut; job log:\n${jobLog.slice(-30).join("\n")}`);
    await tick();
  }
  await cut;
  const outageStarted = Date.now();
  if (options.outage) for (let i = 0; i < TICKS_DURING_OUTAGE || Date.now() - outageStarted < MIN_OUTAGE_MS; i++) await tick();
}

async function epochRow(epoch: number) {
  return db.rewardEpoch.findUniqueOrThrow({ where: { projectId_epoch: { projectId: project.projectId, epoch } }, include: { batches: true } });
}

beforeAll(async () => {
  // PostgreSQL runs as its own user when we are root: it must be able to reach its data directory.
  chmodSync(dir.path, 0o755);
  postgresPort = await findFreePort();
  await startPostgres();
  database = await migratedDatabase(postgres.adminUrl);
  db = createDbClient(database.url);
  pool = createIngestPool(database.url, 4);

  anvil = await restartableAnvil(join(dir.path, "anvil-state.json"));
  const deploymentsFile = join(dir.path, "deployments.json");
  const deployment = await ensureDeployed({ rpcUrl: anvil.rpcUrl, deploymentsFile });
  writeFileSync(deploymentsFile, JSON.stringify({ [String(deployment.chainId)]: deployment }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
  rpc = await cuttableRpc(anvil.rpcUrl);
  chain = rewardChain(anvil.rpcUrl, deployment);

  project = await createRewardProject(db, chain, { name: "Submission outage", slug: "submission-outage", devices: 3, claimedBy: { owner: owner.address, count: 3 } });
  const [first, second, third] = project.devices as [RewardProject["devices"][0], RewardProject["devices"][0], RewardProject["devices"][0]];
  // Every device earns in some epoch, each a different share: device 0 more each epoch, device 1 two minutes an epoch,
  // device 2 only in the last two.
  const windowOffset = (i: number) => i * EPOCH_SECONDS * 1000;
  await sendReadings(pool, firstWindow, [
    { device: first, offsetsMs: epochs.flatMap((_, i) => everyMinute(i + 1, 5_000).map((offset) => offset + windowOffset(i))) },
    { device: second, offsetsMs: epochs.flatMap((_, i) => everyMinute(2, 7_000).map((offset) => offset + windowOffset(i))) },
    { device: third, offsetsMs: [2, 3].flatMap((i) => everyMinute(3, 9_000).map((offset) => offset + windowOffset(i))) },
  ]);
  const policy = await publishPolicy(db, project.projectId, POLICY);
  // Published inside the first epoch, so that epoch is the job's first.
  await db.rewardPolicy.update({ where: { id: policy.id }, data: { createdAt: new Date(firstWindow.getTime() + 1_000) } });
  await fundRewardPool(chain, project.onchainProjectId, POOL_FUNDS);

  // The worker's clients (scripts/worker.ts) with RPC_URLS: the proxy, and the node itself as the fallback, which
  // gets whatever the proxy failed to answer (so a transaction whose answer was lost reaches the node a second time).
  const transport = chainTransport([rpc.url, anvil.rpcUrl]);
  const clients: DistributorClients = {
    publicClient: createPublicClient({ transport }),
    walletClient: createWalletClient({ account: privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY), transport }),
    address: deployment.contracts.RewardDistributor,
  };
  // The epochs close as soon as the job's clock passes their end: their hours are computed here, and no reading comes late.
  await processEpochHours(db, firstWindow, epochWindow(epochs.at(-1)!, EPOCH_SECONDS).windowEnd);
  job = createRewardEpochJob({ epochSeconds: EPOCH_SECONDS, clients, clock: () => now, settleMs: 0, lateSlackMs: 0, maxAttempts: 1, projectIds: [project.projectId], log: (message) => jobLog.push(message) });
}, 180_000);

afterAll(async () => {
  await rpc?.close();
  await pool?.end();
  await db?.$disconnect();
  await database?.drop().catch(() => undefined);
  await postgres?.stop();
  await anvil?.close();
  dir.remove();
});

describe("outage in the middle of a reward submission", () => {
  const closeEpoch = (epoch: number) => (now = epochWindow(epoch, EPOCH_SECONDS).windowEnd.getTime() + 1_000);

  it("1. the node stops after the batch transaction is mined, its answer lost: the epoch waits without an attempt counted, then finishes", async () => {
    closeEpoch(epochs[0]!);
    await tickThroughCut(sends("submitBatch"), () => anvil.stop(), { dropAnswer: true, outage: true });
    const stalled = await epochRow(epochs[0]!);
    expect(stalled.status).toBe("proved");
    expect(stalled.attempts).toBe(0);
    expect(stalled.error).toBeTruthy();
    await anvil.start();
    expect((await ticksUntilConfirmed(epochs[0]!)).attempts).toBe(0);
  }, 180_000);

  it("2. the node stops after the finalize transaction is mined, its answer lost: the same", async () => {
    closeEpoch(epochs[1]!);
    await tickThroughCut(sends("finalizeEpoch"), () => anvil.stop(), { dropAnswer: true, outage: true });
    const stalled = await epochRow(epochs[1]!);
    expect(stalled.status).toBe("submitted");
    expect(stalled.attempts).toBe(0);
    await anvil.start();
    expect((await ticksUntilConfirmed(epochs[1]!)).attempts).toBe(0);
  }, 180_000);

  it("3. only the answer to the batch transaction is lost, the node stays up: the re-sent transaction is recognised as mined", async () => {
    closeEpoch(epochs[2]!);
    await tickThroughCut(sends("submitBatch"), async () => undefined, { dropAnswer: true, outage: false });
    expect((await ticksUntilConfirmed(epochs[2]!)).attempts).toBe(0);
  }, 180_000);

  it("4. PostgreSQL stops after the finalize transaction is mined, before the job records it: the job finishes the epoch once it is back", async () => {
    closeEpoch(epochs[3]!);
    await tickThroughCut(sends("finalizeEpoch"), () => postgres.stop(), { outage: true });
    await startPostgres();
    expect((await ticksUntilConfirmed(epochs[3]!)).attempts).toBe(0);
  }, 180_000);

  it("afterwards: each epoch published exactly once with the stored root and transactions; none in between; each owner paid its devices' rewards once", async () => {
    const { publicClient, deployment } = chain;
    const distributor = deployment.contracts.RewardDistributor;
    const { onchainProjectId, projectId } = project;
    const logs = await publicClient.getLogs({ address: distributor, fromBlock: BigInt(deployment.blockNumber), toBlock: "latest" });
    const events = parseEventLogs({ abi: rewardDistributorAbi, logs }).filter((e) => "projectId" in e.args && e.args.projectId === onchainProjectId);
    for (const epoch of epochs) {
      const row = await epochRow(epoch);
      expect(row).toMatchObject({ status: "confirmed", attempts: 0, leaseOwner: null });
      const submitted = events.filter((e) => e.eventName === "BatchSubmitted" && e.args.epoch === BigInt(epoch));
      const finalized = events.filter((e) => e.eventName === "EpochFinalized" && e.args.epoch === BigInt(epoch));
      expect(submitted).toHaveLength(row.batchCount);
      expect(finalized).toHaveLength(1);
      const onchainRoot = await publicClient.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "epochRootOf", args: [onchainProjectId, BigInt(epoch)] });
      expect(row.epochRoot).toBe(onchainRoot);
      expect(row.finalizeTx).toBe(finalized[0]!.transactionHash);
      expect(row.batches.map((b) => b.submitTx)).toEqual(submitted.map((e) => e.transactionHash));
    }
    expect(await publicClient.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "lastEpochOf", args: [onchainProjectId] })).toBe(BigInt(epochs.at(-1)!));
    expect(await db.rewardEpoch.count({ where: { projectId, status: { not: "confirmed" } } })).toBe(0);

    for (const device of project.devices) {
      const earned = await db.rewardDeviceEpoch.findMany({ where: { device: device.address, epoch: { projectId } } });
      const reward = earned.reduce((sum, row) => sum + BigInt(row.amount.toFixed(0)), 0n);
      expect(reward).toBeGreaterThan(0n);
      const request = (await claimRequestFor(db, projectId, onchainProjectId, device.address))!;
      expect(request.cumulative).toBe(reward);
      const before = await chain.balanceOf(owner.address);
      await chain.send({ chain: null, address: distributor, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
      expect((await chain.balanceOf(owner.address)) - before).toBe(reward);
      // A second claim of the same cumulative amount pays nothing.
      await chain.send({ chain: null, address: distributor, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
      expect((await chain.balanceOf(owner.address)) - before).toBe(reward);
      expect(await publicClient.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "claimedOf", args: [onchainProjectId, getAddress(device.address)] })).toBe(reward);
    }
  }, 120_000);
});
