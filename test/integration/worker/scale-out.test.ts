import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import { createIngestDeps, ingestBatch } from "../../../lib/ingest/pipeline";
import { signTelemetry } from "../../../lib/ingest/sign";
import { createIngestPool } from "../../../lib/ingest/store";
import { chaosSeed, envNumber, projectionSnapshot, resetProjections, seededRandom, sleep, startWorker as startWorkerOf, stopProcess, untilWorkersCaughtUp, workersCaughtUp, startChaosHarness, type ChaosHarness } from "./chaos";

/**
 * Scale-out: three worker processes (scripts/worker.ts, exactly as deployed)
 * against one database, SIGKILLed and restarted at random moments, end with
 * the same chain index (cursor, events, projections) and the same DeviceHour
 * rows as one undisturbed worker on the same data. Exactly-once rests on the
 * jobs' database locks (indexer: advisory lock + transactional cursor;
 * hourly processing: per-hour lock, idempotent upsert), never on memory.
 */

const DEVICES_WITH_TELEMETRY = 6;
const KILLS = envNumber("SCALE_OUT_KILLS", 6);
const SEED = chaosSeed();

let h: ChaosHarness;
const hourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;

const startWorker = (logs: string[]) => startWorkerOf(h, logs);

beforeAll(async () => {
  h = await startChaosHarness();
  const alice = await h.fundedAccount();
  const projectId = await h.chain.createProject("Scale-out");
  const telemetryDevices = [];
  for (let batch = 0; batch < 4; batch++) {
    const { devices } = await h.chain.registerDevices(projectId, 10);
    await h.chain.claim(devices[0]!, alice.address);
    telemetryDevices.push(...devices.slice(1, 1 + DEVICES_WITH_TELEMETRY / 2));
  }
  await h.chain.createProject("Scale-out B");

  // Telemetry needs the devices indexed; the index is reset before each run below.
  await h.indexer().catchUp(h.db);
  const pool = createIngestPool(h.databaseUrl);
  try {
    const deps = createIngestDeps(pool);
    for (const device of telemetryDevices.slice(0, DEVICES_WITH_TELEMETRY)) {
      const messages = [];
      for (let i = 0; i < 30; i++) {
        messages.push(await signTelemetry(device.key, { device: device.address.toLowerCase() as `0x${string}`, sequence: BigInt(i + 1), timestamp: hourStart + i * 60_000, temperatureCentiC: 2000 + i }));
      }
      const results = await ingestBatch(deps, { messages: messages.map((value) => ({ ok: true as const, value })), transport: "http" });
      expect(results.every((r) => r.status === "accepted"), JSON.stringify(results.find((r) => r.status !== "accepted"))).toBe(true);
    }
  } finally {
    await pool.end();
  }
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

describe("N workers", () => {
  it("three workers killed at random moments produce what one undisturbed worker produces", async () => {
    const rand = seededRandom(SEED);
    console.log(`scale-out chaos seed ${SEED}`);
    const logs: string[] = [];

    await resetProjections(h.db);
    const workers = [startWorker(logs), startWorker(logs), startWorker(logs)];
    try {
      let killedMidCatchUp = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const victim = Math.floor(rand() * workers.length);
        await workers[victim]!.started;
        await sleep(rand() * 1500);
        if (!(await workersCaughtUp(h))) killedMidCatchUp += 1;
        await stopProcess(workers[victim]!, "SIGKILL");
        workers[victim] = startWorker(logs);
      }
      console.log(`${KILLS} SIGKILLs, ${killedMidCatchUp} while the index or the hours were incomplete`);
      await untilWorkersCaughtUp(h, logs);
    } finally {
      await Promise.all(workers.map((w) => stopProcess(w, "SIGTERM")));
    }
    const chaotic = await projectionSnapshot(h.db);

    await resetProjections(h.db);
    const single = startWorker(logs);
    try {
      await untilWorkersCaughtUp(h, logs);
    } finally {
      await stopProcess(single, "SIGTERM");
    }
    const calm = await projectionSnapshot(h.db);

    expect(calm.events.length).toBeGreaterThan(40);
    expect(calm.hours).toHaveLength(DEVICES_WITH_TELEMETRY);
    expect(chaotic).toEqual(calm);
  }, 900_000);
});
