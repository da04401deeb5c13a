import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../lib/db/embedded";
import { isRetryable, REJECTION_CODES, type RejectionCode } from "../../../lib/ingest/codes";
import { toWireJson } from "../../../lib/ingest/message";
import { DEMO_DEVICE_COUNT, simDevice } from "../../../lib/simulator/fleet";
import { HttpSender } from "../../../lib/simulator/http-sender";
import { DeviceAgent, emptyTally, type OutboxEntry } from "../../../lib/simulator/outbox";
import { isNextBuildFresh } from "../../../scripts/lib/next-build";
import { chaosSeed, envNumber, expectExactlyOnceAndUndisturbedResults, signReadings, startChaosHarness, type ChaosHarness, seededRandom, sleep, startProcess, startWorker as startWorkerOf, stopProcess, type ScriptProcess } from "./chaos";

/**
 * Scale-out under HTTP ingest load (issue #9): two real web app instances
 * (`next start` on the production build) and three workers on one database.
 * Each device posts its own signed telemetry to the two instances in turn, as
 * docs/device-protocol.md §9.3 asks, through the simulator's outbox and HTTP
 * sender: in sequence order, the next request only after the previous one's
 * results, the same bytes again (to the other instance) after a failure, and
 * no sooner than a 429's Retry-After. One instance is SIGKILLed with requests
 * in flight at seeded random moments and restarted, as an orchestrator would;
 * workers are SIGKILLed and restarted; new devices are registered on-chain.
 * Then every device sends one more message to the restarted instance, which
 * must continue its sequence. Afterwards every acknowledged message is stored
 * exactly once and the index and hourly rows equal one undisturbed worker's.
 *
 * Needs a fresh production build: `npm test` builds first (its build stage,
 * and sets NEXT_BUILD_REQUIRED so a stale one fails here); elsewhere the test
 * skips when the build is missing or stale (`npm run build`).
 * SCALE_OUT_HTTP_LOAD_SECONDS, SCALE_OUT_HTTP_DEVICES, SCALE_OUT_HTTP_APP_KILLS and
 * SCALE_OUT_KILLS (worker kills) are raised by `npm run test:soak`.
 */

const DEVICES = envNumber("SCALE_OUT_HTTP_DEVICES", 8);
const LOAD_MS = envNumber("SCALE_OUT_HTTP_LOAD_SECONDS", 10) * 1000;
const APP_KILLS = envNumber("SCALE_OUT_HTTP_APP_KILLS", 1);
const WORKER_KILLS = envNumber("SCALE_OUT_KILLS", 4);
// Readings queue while a device's request is out, so requests carry batches. At most 400 readings per device (within
// the per-device burst of 1,000): the instances verify every signature on their event loop, and a loaded 2-core
// machine falls behind a faster stream, after which the devices' back-off stretches the run.
const READING_EVERY_MS = Math.max(250, Math.ceil(LOAD_MS / 400));
const SEED = chaosSeed();

const root = process.cwd();
const buildFresh = isNextBuildFresh(root);
const buildRequired = process.env.NEXT_BUILD_REQUIRED === "1";
if (!buildFresh && !buildRequired) console.warn("scale-out-http.test: skipped, no fresh production build of the web app (run `npm run build`; `npm test` builds first)");

let h: ChaosHarness;
const logs: string[] = [];
let ports: number[] = [];
let apps: ScriptProcess[] = [];
let workers: ScriptProcess[] = [];

/** What scripts/start.ts gives the web and worker processes, for this test's chain and database. */
const stackEnv = () => ({
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATABASE_URL: h.databaseUrl,
  RPC_URL: h.rpcUrl,
  CHAIN_ID: String(h.deployment.chainId),
  DEPLOYMENTS_FILE: h.deploymentsFile,
});
const startWorker = () => startWorkerOf(h, logs);
const startApp = (port: number) =>
  startProcess(join(root, "node_modules", ".bin", "next"), ["start", "--port", String(port)], { ...stackEnv(), APP_URL: `http://localhost:${port}`, PORT: String(port) }, /Ready in/, logs);
const alive = ({ child }: ScriptProcess) => child.exitCode === null && child.signalCode === null;

/** Serving once the ingest route answers (an empty batch is refused as SCHEMA), as a readiness probe would see it; loads the route before devices come. */
async function untilIngestAnswers(port: number, app: ScriptProcess): Promise<void> {
  const probe = () =>
    fetch(`http://127.0.0.1:${port}/api/v1/telemetry`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"messages":[]}' }).then(
      (response) => response.status,
      () => 0,
    );
  for (let attempt = 0; attempt < 600 && alive(app); attempt++) {
    if ((await probe()) === 400) return;
    await sleep(200);
  }
  throw new Error(`the app on port ${port} ${alive(app) ? "never answered" : "exited"}; output:\n${logs.join("").slice(-3000)}`);
}

beforeAll(async () => {
  if (buildFresh) h = await startChaosHarness();
}, 300_000);

afterAll(async () => {
  await Promise.all([...apps, ...workers].map((p) => stopProcess(p, "SIGKILL")));
  await h?.stop();
});

describe.skipIf(!buildFresh && !buildRequired)("2 web app instances + 3 workers under HTTP ingest load", () => {
  it("SIGKILLs of workers and of one app instance lose no acknowledged message, store none twice, and change no result", async () => {
    if (!buildFresh) throw new Error("NEXT_BUILD_REQUIRED is set but the production build is missing or stale: npm test's build stage should have made it");
    const rand = seededRandom(SEED);
    console.log(`scale-out-http chaos seed ${SEED} (FUZZ_SEED replays it): ${DEVICES} devices, ${LOAD_MS / 1000} s of load, ${APP_KILLS} app kill(s), ${WORKER_KILLS} worker kills`);
    const projectId = await h.chain.createProject("Scale-out HTTP");
    const { devices } = await h.chain.registerDevices(projectId, DEVICES);
    await h.indexer().catchUp(h.db); // ingest accepts indexed devices only

    ports = [await findFreePort(), await findFreePort()];
    apps = ports.map(startApp);
    workers = [startWorker(), startWorker(), startWorker()];
    await Promise.all([...apps, ...workers].map((p) => p.started));
    await Promise.all(apps.map((app, i) => untilIngestAnswers(ports[i]!, app)));

    // ── Every device's readings, signed ahead: one per READING_EVERY_MS of the load, in finished hours of the last day,
    // plus one last reading it sends to the restarted instance after the load.
    const perDevice = Math.ceil(LOAD_MS / READING_EVERY_MS) + 1;
    const total = perDevice * DEVICES;
    const readings = await signReadings(devices, perDevice);
    const signed = readings.signed.map((device) => ({ ...device, entries: device.messages.map((m): OutboxEntry => ({ sequence: m.sequence, json: JSON.stringify(toWireJson(m)) })) }));
    const { digests } = readings;

    // ── The devices: the simulator's outbox (retry decisions, back-off, Retry-After) with this test's keys, and per
    // device one HTTP sender per instance, used in turn; counting each instance's requests in flight and answers.
    const tally = emptyTally();
    const behaviour = simDevice({ seed: SEED, size: DEMO_DEVICE_COUNT + 1, mqttEvery: 0 }, DEMO_DEVICE_COUNT);
    const agents = signed.map(({ address, key }, index) => new DeviceAgent({ ...behaviour, index, address, privateKey: key }, 0, Number.MAX_SAFE_INTEGER));
    const traffic = ports.map(() => ({ inFlight: 0, failed: 0, statuses: new Map<number, number>(), answerMs: [] as number[] }));
    const fetchVia =
      (instance: number): typeof fetch =>
      async (input, init) => {
        const counts = traffic[instance]!;
        counts.inFlight += 1;
        const sentAt = Date.now();
        try {
          const response = await fetch(input, init);
          counts.answerMs.push(Date.now() - sentAt);
          counts.statuses.set(response.status, (counts.statuses.get(response.status) ?? 0) + 1);
          return response;
        } catch (error) {
          counts.failed += 1;
          throw error;
        } finally {
          counts.inFlight -= 1;
        }
      };
    const senders = agents.map(() =>
      ports.map((port, instance) => new HttpSender({ url: `http://127.0.0.1:${port}`, tally, log: (line) => logs.push(`device: ${line}\n`), fetchImpl: fetchVia(instance), concurrency: 1 })),
    );
    const turns = agents.map(() => 0);
    const acknowledged = () => tally.accepted + tally.duplicate;
    const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? 0;
    const trafficSummary = () =>
      traffic
        .map((t, i) => `instance ${i}: ${[...t.statuses].map(([status, n]) => `${n}×${status}`).join(" ")}, ${t.failed} failed, median answer ${median(t.answerMs)} ms, slowest ${Math.max(0, ...t.answerMs)} ms`)
        .join("; ");

    // ── The chaos, drawn up front so that the seed alone decides it: app kills at acknowledged counts (each with
    // requests in flight at the victim and the other instance up), worker kills at moments, new devices on-chain.
    const appKills = Array.from({ length: APP_KILLS }, (_, k) => ({
      atAcknowledged: Math.floor(((k + 0.2 + 0.5 * rand()) / (APP_KILLS + 1)) * (total - DEVICES)),
      victim: Math.floor(rand() * apps.length),
      acknowledgedAtKill: -1,
    }));
    const workerKills = Array.from({ length: WORKER_KILLS + 1 }, () => ({ afterMs: rand() * (LOAD_MS / WORKER_KILLS), victim: Math.floor(rand() * workers.length), register: rand() < 0.5 }));
    let appKillsDone = 0;
    const serving = apps.map(() => true);
    const restarts: Array<Promise<void>> = [];
    const killApp = (kill: (typeof appKills)[number]) => {
      const { victim } = kill;
      serving[victim] = false;
      const killedAt = Date.now();
      restarts.push(
        (async () => {
          await stopProcess(apps[victim]!, "SIGKILL");
          apps[victim] = startApp(ports[victim]!); // as an orchestrator restarts it; it answers once booted
          await apps[victim]!.started;
          await untilIngestAnswers(ports[victim]!, apps[victim]!);
          serving[victim] = true;
          console.log(`scale-out-http: instance ${victim} SIGKILLed at ${kill.acknowledgedAtKill} acknowledged; it served again ${((Date.now() - killedAt) / 1000).toFixed(1)} s later`);
        })(),
      );
    };

    /**
     * Releases readings into the outboxes and sends what is ready, each device's requests in turn to `instances`,
     * until `released()` says nothing more comes and every outbox is empty (all acknowledged).
     */
    async function drive(release: (device: number, now: number) => OutboxEntry[], released: () => boolean, instances: number[], limitMs: number) {
      const deadline = Date.now() + limitMs;
      for (;;) {
        const now = Date.now();
        agents.forEach((agent, d) => agent.enqueue(release(d, now), tally));
        if (released() && agents.every((agent) => agent.outbox.length === 0)) return;
        if (now > deadline) {
          const held = agents.reduce((n, a) => n + a.outbox.length, 0);
          throw new Error(`devices still hold ${held} messages (${acknowledged()} acknowledged; ${trafficSummary()}; app kills ${appKillsDone}, serving ${serving.join("/")}); output:\n${logs.join("").slice(-4000)}`);
        }
        const kill = appKills[appKillsDone];
        // Only while both serve (one instance down at a time), and with requests in flight at the victim.
        if (kill && acknowledged() >= kill.atAcknowledged && serving.every(Boolean) && traffic[kill.victim]!.inFlight > 0) {
          kill.acknowledgedAtKill = acknowledged();
          appKillsDone += 1;
          killApp(kill);
        }
        agents.forEach((agent, d) => {
          if (!agent.ready(now)) return;
          turns[d] = turns[d]! + 1;
          senders[d]![instances[turns[d]! % instances.length]!]!.dispatch([agent], now);
        });
        await sleep(10);
      }
    }

    // During the load each device takes a reading every READING_EVERY_MS (all but its last one).
    const loadStarts = Date.now();
    const taken = agents.map(() => 0);
    const takeReadings = (d: number, now: number) => {
      const due = Math.min(perDevice - 1, Math.floor((now - loadStarts) / READING_EVERY_MS) + 1);
      const entries = signed[d]!.entries.slice(taken[d]!, due);
      taken[d] = Math.max(taken[d]!, due);
      return entries;
    };

    let workerKillsDone = 0;
    let registered = 0;
    const killWorker = async ({ victim, register }: (typeof workerKills)[number]) => {
      await workers[victim]!.started;
      await stopProcess(workers[victim]!, "SIGKILL");
      workers[victim] = startWorker();
      workerKillsDone += 1;
      if (register) {
        await h.chain.registerDevices(projectId, 2);
        registered += 2;
      }
    };
    const workerChaos = (async () => {
      for (const kill of workerKills.slice(0, WORKER_KILLS)) {
        await sleep(kill.afterMs);
        await killWorker(kill);
      }
    })();

    // Generous: a device that fails again and again backs off up to minutes, as the protocol asks.
    await drive(takeReadings, () => taken.every((n) => n === perDevice - 1), [0, 1], LOAD_MS + 300_000);
    const loadSeconds = (Date.now() - loadStarts) / 1000;
    await workerChaos;
    // A kill waits for the previous instance to serve again: a short load with many kills ends first.
    expect(appKillsDone, `app kills done mid-load (raise SCALE_OUT_HTTP_LOAD_SECONDS for ${APP_KILLS})`).toBe(APP_KILLS);

    // ── The restarted instance, back in rotation, continues every device's sequence where the other one left it.
    await Promise.all(restarts);
    const restarted = appKills.at(-1)!.victim;
    expect(alive(apps[restarted]!), `the restarted instance runs; output:\n${logs.join("").slice(-3000)}`).toBe(true);
    const answeredBefore = [...traffic[restarted]!.statuses.values()].reduce((a, b) => a + b, 0);
    const lastTaken = agents.map(() => false);
    const takeLastReading = (d: number) => {
      if (lastTaken[d]) return [];
      lastTaken[d] = true;
      return signed[d]!.entries.slice(perDevice - 1);
    };
    await drive(takeLastReading, () => lastTaken.every(Boolean), [restarted], 120_000);
    expect(traffic[restarted]!.statuses.get(200) ?? 0, "the restarted instance answered the last messages").toBeGreaterThan(0);
    expect([...traffic[restarted]!.statuses.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(answeredBefore);

    // ── Every message acknowledged, none refused for good (no SEQUENCE_REPLAY: the devices kept their order).
    const finalRefusals = [...tally.rejected.keys()].filter((code) => !(code in REJECTION_CODES) || !isRetryable(code as RejectionCode));
    expect(finalRefusals, `refused messages; output:\n${logs.join("").slice(-3000)}`).toEqual([]);
    expect(acknowledged()).toBe(total);
    for (const kill of appKills) expect(kill.acknowledgedAtKill).toBeGreaterThan(0);
    // One last worker kill after the load: its replacement starts with a full hourly run instead of waiting for a minute's tick.
    await killWorker(workerKills.at(-1)!);

    // ── Exactly once, and the same results as one undisturbed worker.
    const calm = await expectExactlyOnceAndUndisturbedResults(h, digests, { workers, startWorker, logs, devices: DEVICES + registered });

    console.log(
      `scale-out-http: ${total} messages from ${DEVICES} devices acknowledged within ${loadSeconds.toFixed(1)} s (${tally.accepted} accepted, ${tally.duplicate} duplicates, ${tally.retries} retries); ` +
        `app kills at ${appKills.map((k) => `${k.acknowledgedAtKill} (instance ${k.victim})`).join(", ")} acknowledged; ${trafficSummary()}; ` +
        `${workerKillsDone} worker kills, ${registered} devices registered during the load; ${calm.hours.length} device-hours equal a single worker's`,
    );
  }, 900_000 + 3 * LOAD_MS + (WORKER_KILLS + APP_KILLS) * 30_000);
});
