import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectAsync, type MqttClient } from "mqtt";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "../../../lib/db/embedded";
import { startMqttSubscriber, type RunningMqttSubscriber } from "../../../lib/ingest/mqtt-subscriber";
import { registerDevices, signed, storedRows, testIngestDeps, testPool, wire, type ResultsBody, type TestDevice } from "./helpers";

/**
 * External broker mode against a real Mosquitto (Debian's `mosquitto`; .ci/run
 * installs it): two subscriber instances share `$share/depin-hub/devices/+/telemetry`,
 * split the devices' publishes, store each once, answer on the results topic,
 * and a message that could not be stored (database unreachable) is not
 * acknowledged, so the broker redelivers it to the restarted instance.
 */

const MOSQUITTO = process.env.MOSQUITTO_PATH ?? "/usr/sbin/mosquitto";
const haveMosquitto = existsSync(MOSQUITTO);
if (!haveMosquitto) console.warn(`external-broker.test: skipped, no Mosquitto at ${MOSQUITTO} (apt-get install mosquitto, or set MOSQUITTO_PATH)`);

let pool: pg.Pool;
let broker: ChildProcess;
let brokerUrl: string;
let configDir: string;
const subscribers: RunningMqttSubscriber[] = [];
const clients: MqttClient[] = [];

async function startMosquitto(port: number): Promise<ChildProcess> {
  writeFileSync(join(configDir, "mosquitto.conf"), `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_inflight_messages 20\n`);
  const child = spawn(MOSQUITTO, ["-c", join(configDir, "mosquitto.conf")], { stdio: ["ignore", "pipe", "pipe"] });
  // Ready when a client can connect.
  for (let attempt = 0; ; attempt++) {
    try {
      const probe = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 1000 });
      await probe.endAsync();
      return child;
    } catch (error) {
      if (attempt > 50 || child.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

beforeAll(async () => {
  if (!haveMosquitto) return;
  pool = testPool();
  configDir = mkdtempSync(join(tmpdir(), "depinhub-mosquitto-"));
  const port = await findFreePort();
  brokerUrl = `mqtt://127.0.0.1:${port}`;
  broker = await startMosquitto(port);
});

afterAll(async () => {
  if (!haveMosquitto) return;
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await Promise.all(subscribers.map((s) => s.stop()));
  broker.kill("SIGTERM");
  await pool.end();
  rmSync(configDir, { recursive: true, force: true });
});

async function device(): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl, { reconnectPeriod: 0, protocolVersion: 5 });
  clients.push(client);
  return client;
}

describe.skipIf(!haveMosquitto)("external broker (Mosquitto, MQTT 5 shared subscription)", () => {
  it("splits the load over two instances, stores every message once and publishes results", async () => {
    const [a, b] = await Promise.all([
      startMqttSubscriber({ url: brokerUrl, clientId: "it-ingest-a", ingest: testIngestDeps(pool) }),
      startMqttSubscriber({ url: brokerUrl, clientId: "it-ingest-b", ingest: testIngestDeps(pool) }),
    ]);
    subscribers.push(a, b);
    const devices = await registerDevices(12);
    const publisher = await device();
    const results: Record<string, ResultsBody["results"]> = {};
    publisher.on("message", (topic, payload) => {
      results[topic] = (JSON.parse(payload.toString()) as ResultsBody).results;
    });
    await publisher.subscribeAsync("devices/+/telemetry/results", { qos: 1 });
    // One batch per device: a device's publishes must reach one instance in order (see docs).
    for (const d of devices) {
      const batch = [await signed(d, 1), await signed(d, 2), await signed(d, 3)];
      await publisher.publishAsync(`devices/${d.address}/telemetry`, JSON.stringify(wire(batch)), { qos: 1 });
    }
    await expect.poll(() => Object.keys(results).length, { timeout: 30_000 }).toBe(devices.length);
    for (const d of devices) {
      expect(results[`devices/${d.address}/telemetry/results`]?.map((r) => r.status)).toEqual(["accepted", "accepted", "accepted"]);
      expect((await storedRows(pool, d)).map((r) => [r.sequence, r.transport])).toEqual([
        ["1", "mqtt"],
        ["2", "mqtt"],
        ["3", "mqtt"],
      ]);
    }
    expect(a.handled + b.handled).toBe(devices.length);
    expect(a.handled).toBeGreaterThan(0);
    expect(b.handled).toBeGreaterThan(0);
    await Promise.all(subscribers.splice(0).map((s) => s.stop()));
  });

  it("does not acknowledge what it could not store; the broker redelivers it after a restart", async () => {
    // An instance whose database is unreachable (nothing listens on that port).
    const deadPool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${await findFreePort()}/none`, connectionTimeoutMillis: 500 });
    deadPool.on("error", () => undefined);
    const failures: string[] = [];
    // Its own share group: the instances of the test above keep persistent sessions in theirs,
    // and the broker queues a share of the publishes for them until they come back.
    const group = "it-redelivery";
    const broken = await startMqttSubscriber({ url: brokerUrl, clientId: "it-ingest-redelivery", group, ingest: testIngestDeps(deadPool), log: (line) => failures.push(line) });
    const [d] = (await registerDevices(1)) as [TestDevice];
    const publisher = await device();
    await publisher.publishAsync(`devices/${d.address}/telemetry`, JSON.stringify(wire([await signed(d, 7)])), { qos: 1 });
    await expect.poll(() => failures.some((line) => line.includes("not acknowledged")), { timeout: 30_000 }).toBe(true);
    await broken.stop();
    await deadPool.end();
    expect(await storedRows(pool, d)).toEqual([]);

    // Same client id, working database: the broker resends the unacknowledged PUBLISH.
    const healthy = await startMqttSubscriber({ url: brokerUrl, clientId: "it-ingest-redelivery", group, ingest: testIngestDeps(pool) });
    subscribers.push(healthy);
    await expect.poll(async () => (await storedRows(pool, d)).map((r) => r.sequence), { timeout: 30_000 }).toEqual(["7"]);
    expect(healthy.handled).toBe(1);
  });
});
