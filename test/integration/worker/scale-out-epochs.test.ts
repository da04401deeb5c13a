import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import type { TelemetryMessage } from "../../../lib/ingest/message";
import { createIngestDeps, ingestBatch } from "../../../lib/ingest/pipeline";
import { signTelemetry } from "../../../lib/ingest/sign";
import { createIngestPool } from "../../../lib/ingest/store";
import { publishPolicy } from "../../../lib/rewards/policies";
import { privateKeyToAccount } from "viem/accounts";
import { chainAt, fundRewardPool } from "../../../scripts/lib/e2e-epoch";
import { chaosSeed, envNumber, projectionSnapshot, resetProjections, seededRandom, sleep, startWorker as startWorkerOf, stopProcess, untilWorkersCaughtUp, startChaosHarness, type ChaosHarness, type ScriptProcess } from "./chaos";

/**
 * Reward epochs under worker SIGKILLs (issue #9): three worker processes (scripts/worker.ts) close, prove and publish
 * a project's reward epochs on-chain while workers are SIGKILLed at random moments, the worker holding an epoch's
 * lease being the favourite victim. A short REWARD_EPOCH_LEASE_SECONDS lets a survivor take over the epoch of a
 * killed worker. Afterwards the reward rows (slots, epochs with roots and totals, batches with public signals,
 * per-device results and Merkle leaves) and what landed on-chain (one PolicySet, one BatchSubmitted per batch, one
 * EpochFinalized per epoch, the same roots) equal one undisturbed worker's on the same chain (anvil evm_snapshot /
 * evm_revert) and telemetry.
 *
 * The epochs are hours of the past few hours: all of them close the moment the policy is published, and their
 * telemetry lies in finished hours that the workers have processed by then (the job would wait for those hourly rows
 * otherwise: lib/rewards/readiness.ts).
 * SCALE_OUT_EPOCHS, SCALE_OUT_EPOCH_KILLS and SCALE_OUT_EPOCH_DEVICES are raised by `npm run test:soak`.
 */

// Ingest refuses readings older than 24 h, and the last epoch ends up to two hours ago.
const EPOCHS = Math.min(envNumber("SCALE_OUT_EPOCHS", 3), 20);
const KILLS = envNumber("SCALE_OUT_EPOCH_KILLS", 3);
// How long a killed lease holder's epoch waits for a survivor. The holder renews its lease every third of that while
// it proves and submits, so the lease need not cover a step.
const LEASE_SECONDS = envNumber("SCALE_OUT_EPOCH_LEASE_SECONDS", 10);
const EPOCH_SECONDS = 3600;
// Proofs are the slow part (one batch of 16 slots took 20 s with the machine loaded 6-fold): the default is one batch
// per epoch, the soak run's 18 devices make two, so that kills also land between a batch's submission and the next.
const DEVICES = Math.max(4, envNumber("SCALE_OUT_EPOCH_DEVICES", 12));
const BATCHES = Math.ceil(DEVICES / 16);
const SEED = chaosSeed();
const POLICY = { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" };

// Epoch n covers [(n−1)·E, n·E); the last one ends at an hour boundary at least two minutes old (a finished hour).
const lastEpoch = Math.floor((Date.now() - 2 * 60_000) / (EPOCH_SECONDS * 1000));
const firstEpoch = lastEpoch - EPOCHS + 1;
const windowStartOf = (epoch: number) => (epoch - 1) * EPOCH_SECONDS * 1000;

let h: ChaosHarness;
let onchainProjectId: bigint;
const logs: string[] = [];
let workers: ScriptProcess[] = [];

const startWorker = () => startWorkerOf(h, logs, { REWARD_EPOCH_SECONDS: String(EPOCH_SECONDS), REWARD_EPOCH_LEASE_SECONDS: String(LEASE_SECONDS) });

/** Readings of device `index`: in each epoch a different number of minutes (some devices silent in some epochs), in order. */
function readingsOf(address: `0x${string}`, index: number): TelemetryMessage[] {
  const messages: TelemetryMessage[] = [];
  for (let k = 0; k < EPOCHS; k++) {
    if ((index + k) % 5 === 4) continue;
    const minutes = 1 + ((index * 5 + k * 11) % 25);
    for (let minute = 0; minute < minutes; minute++) {
      messages.push({ device: address, sequence: BigInt(messages.length + 1), timestamp: windowStartOf(firstEpoch + k) + minute * 60_000 + 7_000, temperatureCentiC: 1800 + index * 10 + minute });
    }
  }
  return messages;
}

beforeAll(async () => {
  h = await startChaosHarness();
  onchainProjectId = await h.chain.createProject("Epoch chaos");
  await h.chain.updateMetadata(onchainProjectId, "Epoch chaos", "", h.deployment.contracts.RewardToken);
  const { devices } = await h.chain.registerDevices(onchainProjectId, DEVICES);
  await fundRewardPool(chainAt(h.rpcUrl, h.deployment, privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY)), onchainProjectId, 10n ** 23n);

  await h.indexer().catchUp(h.db); // ingest accepts indexed devices only; the index is reset before each run
  const pool = createIngestPool(h.databaseUrl, 2);
  try {
    const deps = createIngestDeps(pool);
    // The last few devices stay silent: they get a slot and a zero result.
    for (const [index, device] of devices.slice(0, DEVICES - 3).entries()) {
      const messages = await Promise.all(readingsOf(device.address.toLowerCase() as `0x${string}`, index).map((message) => signTelemetry(device.key, message)));
      for (let from = 0; from < messages.length; from += 200) {
        const results = await ingestBatch(deps, { messages: messages.slice(from, from + 200).map((value) => ({ ok: true as const, value })), transport: "http" });
        expect(results.every((r) => r.status === "accepted"), JSON.stringify(results.find((r) => r.status !== "accepted"))).toBe(true);
      }
    }
  } finally {
    await pool.end();
  }
}, 300_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopProcess(w, "SIGKILL")));
  await h?.stop();
});

const inRange = { gte: firstEpoch, lte: lastEpoch };

async function confirmedEpochs(): Promise<number> {
  const failed = await h.db.rewardEpoch.findFirst({ where: { status: "failed" } });
  if (failed) throw new Error(`epoch ${failed.epoch} failed: ${failed.error}; output:\n${logs.join("").slice(-4000)}`);
  return h.db.rewardEpoch.count({ where: { epoch: inRange, status: "confirmed" } });
}

/** The epoch whose lease `worker` holds (as the row shows once the worker is dead), or null. */
async function leasedBy(worker: ScriptProcess) {
  return h.db.rewardEpoch.findFirst({ where: { leaseOwner: { startsWith: `rewards-${worker.child.pid}-` } }, select: { epoch: true, status: true } });
}

/** The live worker holding an epoch's lease right now (while submitting only, with `submitting`), or undefined. */
async function leaseHolder(submitting: boolean): Promise<number | undefined> {
  const leased = await h.db.rewardEpoch.findMany({
    where: { leaseOwner: { not: null }, leaseUntil: { gt: new Date() }, ...(submitting ? { status: { in: ["proved", "submitted"] } } : {}) },
    select: { leaseOwner: true },
  });
  const index = workers.findIndex((w) => w.child.exitCode === null && w.child.signalCode === null && leased.some((row) => row.leaseOwner!.startsWith(`rewards-${w.child.pid}-`)));
  return index >= 0 ? index : undefined;
}

/** Everything RewardDistributor published for the project's epochs up to lastEpoch, decoded. */
async function publications() {
  const query = { address: h.deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, args: { projectId: onchainProjectId }, fromBlock: BigInt(h.deployment.blockNumber) } as const;
  const [policies, batches, finalized] = await Promise.all([
    h.chain.publicClient.getContractEvents({ ...query, eventName: "PolicySet" }),
    h.chain.publicClient.getContractEvents({ ...query, eventName: "BatchSubmitted" }),
    h.chain.publicClient.getContractEvents({ ...query, eventName: "EpochFinalized" }),
  ]);
  const decoded = <T extends { args: object }>(events: T[]) => events.map((event) => JSON.parse(JSON.stringify(event.args, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, string>);
  const upToLast = (args: Record<string, string>) => Number(args.epoch) <= lastEpoch;
  return { policies: decoded(policies), batches: decoded(batches).filter(upToLast), finalized: decoded(finalized).filter(upToLast) };
}

/**
 * From reset projections: `workerCount` workers index the chain and compute the hours, the policy is published (its
 * first epoch is firstEpoch, so EPOCHS epochs are closed at once), and the workers close them; with `rand`, workers
 * are SIGKILLed and restarted meanwhile. Returns what the workers built and what landed on-chain.
 */
async function closeEpochs(workerCount: number, rand?: () => number) {
  await resetProjections(h.db);
  workers = Array.from({ length: workerCount }, startWorker);
  const kills = { total: 0, whileUnfinished: 0, leaseHolders: [] as string[] };
  try {
    await untilWorkersCaughtUp(h, logs);
    const project = await h.db.project.findFirstOrThrow({ where: { onchainId: onchainProjectId } });
    const policy = await publishPolicy(h.db, project.id, POLICY);
    await h.db.rewardPolicy.update({ where: { id: policy.id }, data: { createdAt: new Date(windowStartOf(firstEpoch) + 1000) } });

    while (rand && (kills.total < KILLS || kills.leaseHolders.length === 0) && (await confirmedEpochs()) < EPOCHS) {
      await sleep(rand() * 2000);
      // Most victims (the first always) are workers inside an epoch step, found by polling: a killed holder's lease
      // blocks the epoch for LEASE_SECONDS, and kills meanwhile would only hit idle workers. Proving takes most of a
      // step, so some kills wait for a holder that is submitting (tx sent, database not yet updated) instead.
      const aim = kills.total === 0 || rand() < 0.7;
      const submitting = aim && rand() < 0.4;
      let holder = await leaseHolder(submitting);
      for (let i = 0; aim && holder === undefined && i < 1200 && (i % 20 !== 0 || (await confirmedEpochs()) < EPOCHS); i++) holder = await sleep(50).then(() => leaseHolder(submitting));
      const victim = holder ?? Math.floor(rand() * workers.length);
      await workers[victim]!.started;
      await stopProcess(workers[victim]!, "SIGKILL");
      kills.total += 1;
      const interrupted = await leasedBy(workers[victim]!);
      if (interrupted) kills.leaseHolders.push(`epoch ${interrupted.epoch - firstEpoch + 1} ${interrupted.status}`);
      if ((await confirmedEpochs()) < EPOCHS) kills.whileUnfinished += 1;
      workers[victim] = startWorker();
    }
    for (let i = 0; i < 2400 && (await confirmedEpochs()) < EPOCHS; i++) await sleep(250);
    expect(await confirmedEpochs(), `confirmed epochs; output:\n${logs.join("").slice(-4000)}`).toBe(EPOCHS);
  } finally {
    await Promise.all(workers.map((w) => stopProcess(w, "SIGTERM")));
  }
  // The cursor is left out: the reward transactions add blocks, up to an epoch after lastEpoch that may be in flight.
  const { cursor: _cursor, ...built } = await projectionSnapshot(h.db, { epochsThrough: lastEpoch });
  const rows = await h.db.rewardEpoch.findMany({ where: { epoch: inRange }, select: { timings: true, attempts: true, error: true } });
  const retries = rows.filter((row) => row.error !== null).map((row) => `${row.attempts} attempt(s), last error: ${row.error!.split("\n")[0]}`);
  return { built, onchain: await publications(), kills, retries, timings: rows.map((row) => row.timings as Record<string, number>) };
}

describe("3 workers closing reward epochs", () => {
  it("SIGKILLs of workers mid-epoch change no epoch result and publish each epoch on-chain exactly once, as one undisturbed worker does", async () => {
    const rand = seededRandom(SEED);
    console.log(`scale-out-epochs chaos seed ${SEED} (FUZZ_SEED replays it): ${EPOCHS} epochs of ${DEVICES} devices (${BATCHES} proof batch(es) each), ${KILLS} worker kills, lease ${LEASE_SECONDS} s`);
    const beforeRuns = (await h.rpc("evm_snapshot")) as string;

    const chaotic = await closeEpochs(3, rand);
    const { kills } = chaotic;
    console.log(`scale-out-epochs: ${kills.total} SIGKILLs, ${kills.whileUnfinished} while epochs were unfinished, ${kills.leaseHolders.length} of the victims held an epoch's lease (${kills.leaseHolders.join("; ")})`);
    if (chaotic.retries.length) console.log(`scale-out-epochs: retried steps in the chaotic run: ${chaotic.retries.join("; ")}`);

    expect(await h.rpc("evm_revert", [beforeRuns])).toBe(true);
    const calm = await closeEpochs(1);
    const slowest = (name: string) => Math.max(...calm.timings.map((t) => t[name] ?? 0));
    console.log(`scale-out-epochs: one undisturbed worker's slowest steps: compute ${slowest("computeMs")} ms, prove ${slowest("proveMs")} ms, submit ${slowest("submitMs")} ms, finalize ${slowest("finalizeMs")} ms`);

    // The calm run is the reference: every epoch closed, proved and published once, with the root stored.
    expect(calm.built.rewardEpochs).toHaveLength(EPOCHS);
    expect(calm.built.rewardBatches).toHaveLength(BATCHES * EPOCHS);
    expect(calm.built.rewardDevices).toHaveLength(DEVICES * EPOCHS);
    expect(calm.onchain.policies).toHaveLength(1);
    expect(calm.onchain.finalized.map((args) => Number(args.epoch))).toEqual(Array.from({ length: EPOCHS }, (_, k) => firstEpoch + k));
    expect(calm.onchain.batches.map((args) => `${args.epoch}/${args.batchIndex}`)).toEqual(Array.from({ length: BATCHES * EPOCHS }, (_, i) => `${firstEpoch + Math.floor(i / BATCHES)}/${i % BATCHES}`));
    const storedRoots = (await h.db.rewardEpoch.findMany({ where: { epoch: inRange }, orderBy: { epoch: "asc" } })).map((row) => row.epochRoot);
    expect(storedRoots).toEqual(calm.onchain.finalized.map((args) => args.epochRoot));
    expect(calm.built.rewardDevices.some((row) => !row.includes('"amount":"0"'))).toBe(true);

    expect(kills.leaseHolders.length, "a kill landed inside an epoch step").toBeGreaterThan(0);
    expect(chaotic.onchain).toEqual(calm.onchain);
    expect(chaotic.built).toEqual(calm.built);
  }, 900_000);
});
