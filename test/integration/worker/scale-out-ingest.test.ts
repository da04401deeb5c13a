import { connect, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../lib/db/embedded";
import { toWireJson } from "../../../lib/ingest/message";
import { chaosSeed, envNumber, expectExactlyOnceAndUndisturbedResults, signReadings, startChaosHarness, type ChaosHarness, seededRandom, sleep, startScriptProcess, startWorker as startWorkerOf, stopProcess, type ScriptProcess } from "./chaos";

/**
 * Scale-out under ingest load: two app instances' ingest path (the real MQTT
 * broker process, scripts/mqtt-broker.ts, twice) and three workers on one
 * database. Devices publish with QoS 1, each knowing both brokers (mqtt.js
 * `servers`, tried in turn on reconnect). Meanwhile workers are SIGKILLed and
 * restarted at random moments, one broker is SIGKILLed at a random moment
 * (its devices move to the other and resend what had no PUBACK), and new
 * devices are registered on-chain. Afterwards every acknowledged message is
 * stored exactly once, and the index and the hourly rows equal what one
 * undisturbed worker computes from the same chain and telemetry.
 * SCALE_OUT_LOAD_SECONDS, SCALE_OUT_DEVICES, SCALE_OUT_KILLS are raised by `npm run test:soak`.
 */

const DEVICES = envNumber("SCALE_OUT_DEVICES", 8);
const LOAD_MS = envNumber("SCALE_OUT_LOAD_SECONDS", 8) * 1000;
const WORKER_KILLS = envNumber("SCALE_OUT_KILLS", 4);
// Within the broker's per-device burst (1,000) and sustained rate (2/s), so no publish is rate-limited.
const PUBLISH_EVERY_MS = Math.max(100, Math.ceil(LOAD_MS / 900));
const SEED = chaosSeed();

let h: ChaosHarness;
const logs: string[] = [];
const clients: MqttClient[] = [];
let brokers: ScriptProcess[] = [];
let workers: ScriptProcess[] = [];

const startWorker = () => startWorkerOf(h, logs);

function startBroker(port: number): ScriptProcess {
  return startScriptProcess("scripts/mqtt-broker.ts", { DATABASE_URL: h.databaseUrl, MQTT_PORT: String(port) }, /MQTT broker listening/, logs);
}

beforeAll(async () => {
  h = await startChaosHarness();
}, 300_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await Promise.all([...brokers, ...workers].map((p) => stopProcess(p, "SIGKILL")));
  await h?.stop();
});

describe("2 ingest instances + 3 workers under load", () => {
  it("SIGKILLs of workers and of one broker lose no acknowledged message, store none twice, and change no result", async () => {
    const rand = seededRandom(SEED);
    console.log(`scale-out-ingest chaos seed ${SEED} (FUZZ_SEED replays it): ${DEVICES} devices, ${LOAD_MS / 1000} s of load, ${WORKER_KILLS} worker kills`);
    const projectId = await h.chain.createProject("Scale-out ingest");
    const { devices } = await h.chain.registerDevices(projectId, DEVICES);
    await h.indexer().catchUp(h.db); // ingest accepts indexed devices only

    const ports = [await findFreePort(), await findFreePort()];
    brokers = ports.map(startBroker);
    workers = [startWorker(), startWorker(), startWorker()];
    await Promise.all([...brokers, ...workers].map((p) => p.started));

    // ── Load: every device publishes a reading every PUBLISH_EVERY_MS for LOAD_MS, in finished hours of the last day.
    const perDevice = Math.ceil(LOAD_MS / PUBLISH_EVERY_MS);
    const total = perDevice * DEVICES;
    const { signed, digests } = await signReadings(devices, perDevice);
    const connected = signed.map(({ address }, index) => {
      const servers = index % 2 === 0 ? ports : [...ports].reverse();
      const client = connect({ servers: servers.map((port) => ({ host: "127.0.0.1", port })), protocolVersion: 4, clientId: `scale-${address.slice(2, 14)}`, reconnectPeriod: 250, connectTimeout: 5_000 });
      client.on("error", () => undefined); // a killed broker resets the connection: expected
      clients.push(client);
      return new Promise<void>((resolve) => client.once("connect", () => resolve()));
    });
    await Promise.all(connected);

    // The broker kill lands inside a PUBACK callback, part of the way through: other devices are mid-stream.
    const brokerKillAtAcks = Math.floor(total * (0.2 + 0.5 * rand()));
    const brokerVictim = Math.floor(rand() * brokers.length);
    let ackedAtBrokerKill = -1;
    const acked = new Set<string>();
    const loadEnds = Date.now() + LOAD_MS;
    const publishing = signed.map(async ({ address, messages }, index) => {
      const client = clients[index]!;
      for (const message of messages) {
        const key = `${address}:${message.sequence}`;
        client.publish(`devices/${address}/telemetry`, JSON.stringify(toWireJson(message)), { qos: 1 }, (error) => {
          if (error) return;
          acked.add(key);
          if (acked.size === brokerKillAtAcks) {
            ackedAtBrokerKill = acked.size;
            brokers[brokerVictim]!.child.kill("SIGKILL");
          }
        });
        await sleep(PUBLISH_EVERY_MS);
      }
    });

    // ── Chaos while the load runs: worker kills at random moments, new devices on-chain.
    let workerKills = 0;
    let registered = 0;
    const killWorker = async () => {
      const victim = Math.floor(rand() * workers.length);
      await workers[victim]!.started;
      await stopProcess(workers[victim]!, "SIGKILL");
      workers[victim] = startWorker();
      workerKills += 1;
    };
    while (Date.now() < loadEnds || workerKills < WORKER_KILLS) {
      await sleep(rand() * (LOAD_MS / WORKER_KILLS));
      if (workerKills < WORKER_KILLS) await killWorker();
      if (rand() < 0.5) {
        await h.chain.registerDevices(projectId, 2);
        registered += 2;
      }
    }
    await Promise.all(publishing);

    // Every publish is eventually acknowledged: the devices resend whatever had no PUBACK, to whichever broker is up.
    for (let i = 0; i < 1200 && acked.size < total; i++) await sleep(100);
    expect(ackedAtBrokerKill, "the broker was killed mid-load").toBeGreaterThan(0);
    expect(acked.size, `acknowledged of ${total}; output:\n${logs.join("").slice(-3000)}`).toBe(total);
    console.log(`scale-out-ingest: broker ${brokerVictim} SIGKILLed at ${ackedAtBrokerKill} of ${total} acknowledged`);
    await Promise.all(clients.splice(0).map((c) => c.endAsync().catch(() => undefined)));
    brokers[brokerVictim] = startBroker(ports[brokerVictim]!); // as an orchestrator would restart it
    // One last kill after the load: its replacement starts with a full hourly run instead of waiting for a minute's tick.
    await killWorker();
    const published = total;

    // ── Exactly once, and the same results as one undisturbed worker.
    const calm = await expectExactlyOnceAndUndisturbedResults(h, digests, { workers, startWorker, logs, devices: DEVICES + registered });
    console.log(`scale-out-ingest: ${published} messages from ${DEVICES} devices, ${workerKills} worker kills, 1 broker kill, ${registered} devices registered during the load; ${calm.hours.length} device-hours equal a single worker's`);
  }, 900_000 + 3 * LOAD_MS + WORKER_KILLS * 30_000);
});
