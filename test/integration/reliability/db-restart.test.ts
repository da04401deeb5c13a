import { randomBytes } from "node:crypto";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { connectAsync, type MqttClient } from "mqtt";
import pg from "pg";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOUR_MS } from "../../../lib/aggregates";
import { createDbClient, type PrismaClient } from "../../../lib/db/create-client";
import { findFreePort, startEmbeddedPostgres, type RunningPostgres, type TemporaryDatabase } from "../../../lib/db/embedded";
import { telemetryDigest } from "../../../lib/ingest/encoding";
import { toWireJson, type SignedTelemetryMessage } from "../../../lib/ingest/message";
import { signTelemetry } from "../../../lib/ingest/sign";
import { tempDir } from "../chain/helpers";
import { migratedDatabase } from "../indexer/harness";
import { startScript, type ChildScript } from "../ingest/child-script";

/**
 * Database restart mid-load: a PostgreSQL server of this test's own is stopped
 * and started again while devices publish over MQTT with QoS 1 to the real
 * broker process, and the real worker process runs. Nothing is restarted but
 * the database. A publish whose commit fails gets no PUBACK (its connection
 * closes), so the devices' MQTT clients reconnect and resend it by themselves.
 * Afterwards: every message acknowledged before the stop is stored, every
 * message is stored exactly once, both processes are the same processes, and
 * the worker's hourly results cover all of it.
 */

const DEVICES = Number(process.env.DB_RESTART_DEVICES ?? 8);
const PER_DEVICE = Number(process.env.DB_RESTART_MESSAGES ?? 60);
// 16 publishes a second per connection: under the broker's per-connection rate (20/s), so none is rate-limited.
const PUBLISH_EVERY_MS = 60;
const RESEND_AFTER_MS = 300;
const DOWN_MS = Number(process.env.DB_RESTART_DOWN_MS ?? 2_000);
/** Restarts spread evenly over the load (the soak run does several). */
const RESTARTS = Number(process.env.DB_RESTARTS ?? 1);
const dir = tempDir();

let server: RunningPostgres;
let port: number;
let database: TemporaryDatabase;
let db: PrismaClient;
let broker: ChildScript | null = null;
let worker: ChildScript | null = null;
const clients: MqttClient[] = [];

interface Device {
  address: Hex;
  key: Hex;
  messages: SignedTelemetryMessage[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const startServer = () => startEmbeddedPostgres({ dataDir: join(dir.path, "postgres"), port });

beforeAll(async () => {
  // PostgreSQL runs as its own user when we are root: it must be able to reach its data directory.
  chmodSync(dir.path, 0o755);
  port = await findFreePort();
  server = await startServer();
  database = await migratedDatabase(server.adminUrl);
  db = createDbClient(database.url);
}, 180_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await broker?.kill();
  await worker?.kill();
  await db?.$disconnect();
  await database?.drop().catch(() => undefined);
  await server?.stop();
  dir.remove();
});

const key = (device: string, sequence: bigint) => `${device}:${sequence}`;

describe("database restart mid-load", () => {
  it("devices resend what was not acknowledged; everything is stored exactly once; broker and worker reconnect by themselves", async () => {
    const project = await db.project.create({ data: { chainId: 31337, slug: `restart-${randomBytes(6).toString("hex")}`, name: "Restart", adminAddress: "0x0000000000000000000000000000000000000001" } });
    const hourStart = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
    const devices: Device[] = await Promise.all(
      Array.from({ length: DEVICES }, async () => {
        const key = generatePrivateKey();
        const address = privateKeyToAddress(key).toLowerCase() as Hex;
        const messages = await Promise.all(
          Array.from({ length: PER_DEVICE }, (_, i) => signTelemetry(key, { device: address, sequence: BigInt(i + 1), timestamp: hourStart + i * 30_000, temperatureCentiC: 2000 + i })),
        );
        return { address, key, messages };
      }),
    );
    await db.device.createMany({ data: devices.map((d) => ({ address: d.address, projectId: project.id, model: "test" })) });
    const digests = new Map(devices.flatMap((d) => d.messages.map((m) => [key(d.address, m.sequence), telemetryDigest(m)] as const)));

    const mqttPort = await findFreePort();
    broker = startScript("scripts/mqtt-broker.ts", { DATABASE_URL: database.url, MQTT_PORT: String(mqttPort) });
    worker = startScript("scripts/worker.ts", { NODE_ENV: "production", DATABASE_URL: database.url, RPC_URL: "", RPC_URLS: "", WORKER_TICK_MS: "200" });
    await Promise.all([broker.waitFor(/MQTT broker listening/), worker.waitFor(/worker \S+ started/)]);
    const brokerPid = broker.process.pid;
    const workerPid = worker.process.pid;

    // Devices as real MQTT clients: QoS 1, reconnecting, resending in-flight messages on reconnect (mqtt.js does that itself).
    const acked = new Set<string>();
    const ackedAtStops: Array<Set<string>> = [];
    const total = DEVICES * PER_DEVICE;
    const stopAt = Array.from({ length: RESTARTS }, (_, i) => Math.floor((total * (i + 1)) / (RESTARTS + 2)));
    const stopRequests = stopAt.map(() => {
      let request = () => undefined as void;
      const requested = new Promise<void>((resolve) => (request = resolve));
      return { request, requested };
    });
    const allAcked = new Promise<void>((resolve) => {
      for (const device of devices) {
        void (async () => {
          const client = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { protocolVersion: 4, clientId: `restart-${device.address.slice(2, 14)}`, reconnectPeriod: 300, connectTimeout: 5_000 });
          client.on("error", () => undefined); // refused or reset while the database is down: expected
          clients.push(client);
          // As docs/device-protocol.md asks: in sequence order, the next message only after the previous one is
          // acknowledged (the server refuses a sequence at or below the last accepted one as SEQUENCE_REPLAY, with a
          // PUBACK). mqtt.js resends an unacknowledged publish after a reconnect by itself, but gives up one still
          // queued for that resend when the connection drops again ("Connection closed"): the device publishes the
          // same bytes again. Pipelining publishes instead loses messages to replay refusals, on the device's side.
          for (const message of device.messages) {
            const payload = JSON.stringify(toWireJson(message));
            await new Promise<void>((delivered) => {
              const publish = () =>
                client.publish(`devices/${device.address}/telemetry`, payload, { qos: 1 }, (error) => {
                  if (error) {
                    if (!client.disconnecting) setTimeout(publish, RESEND_AFTER_MS); // not once the test has ended the client
                    return;
                  }
                  delivered();
                });
              publish();
            });
            acked.add(key(device.address, message.sequence));
            const point = stopAt.indexOf(acked.size);
            if (point >= 0) stopRequests[point]!.request();
            if (acked.size === total) resolve();
            await sleep(PUBLISH_EVERY_MS);
          }
        })();
      }
    });

    // ── The restarts, spread over the load (one, a third of the way in, by default).
    for (const { requested } of stopRequests) {
      await requested;
      await server.stop();
      ackedAtStops.push(new Set(acked));
      await sleep(DOWN_MS);
      server = await startServer();
      console.log(`db-restart: ${ackedAtStops.at(-1)!.size} of ${total} acknowledged when PostgreSQL stopped; down ${DOWN_MS} ms`);
    }

    await Promise.race([
      allAcked,
      sleep(120_000).then(() => {
        throw new Error(`only ${acked.size} of ${total} acknowledged after the restart; broker output:\n${broker?.output().slice(-3000)}`);
      }),
    ]);

    // ── Exactly once, and nothing acknowledged was lost.
    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    try {
      const { rows } = await check.query<{ device: Buffer; sequence: string; digest: Buffer }>(
        "SELECT device, sequence::text AS sequence, digest FROM ingest.telemetry WHERE device = ANY($1::bytea[])",
        [devices.map((d) => Buffer.from(d.address.slice(2), "hex"))],
      );
      const stored = rows.map((r) => ({ key: `0x${r.device.toString("hex")}:${r.sequence}`, digest: `0x${r.digest.toString("hex")}` }));
      expect(stored).toHaveLength(total);
      expect(new Set(stored.map((r) => r.key)).size).toBe(total);
      for (const row of stored) expect(row.digest).toBe(digests.get(row.key));
      for (const k of ackedAtStops.flatMap((set) => [...set])) expect(stored.some((r) => r.key === k), `acknowledged ${k} before the stop is stored`).toBe(true);
      const { rows: state } = await check.query<{ message_count: string }>("SELECT message_count::text FROM ingest.device_state WHERE device = ANY($1::bytea[])", [
        devices.map((d) => Buffer.from(d.address.slice(2), "hex")),
      ]);
      expect(state.map((s) => s.message_count)).toEqual(devices.map(() => String(PER_DEVICE)));
    } finally {
      await check.end();
    }
    // The outage really hit publishes in flight: the broker withheld PUBACKs and the devices resent.
    const withheld = broker.output().match(/not acknowledged/g)?.length ?? 0;
    expect(withheld).toBeGreaterThan(0);
    console.log(`db-restart: ${withheld} PUBACK(s) withheld while PostgreSQL was down, all ${total} messages stored exactly once`);

    // ── The worker, never restarted, computes the hour from all of it (its hourly job runs about once a minute).
    const db2 = createDbClient(database.url);
    try {
      for (let i = 0; i < 400; i++) {
        const hours = await db2.deviceHour.findMany({ where: { device: { in: devices.map((d) => d.address) }, hourStart: new Date(hourStart) } });
        if (hours.length === DEVICES && hours.every((h) => h.messageCount === PER_DEVICE)) break;
        await sleep(250);
      }
      const hours = await db2.deviceHour.findMany({ where: { device: { in: devices.map((d) => d.address) }, hourStart: new Date(hourStart) } });
      expect(hours.map((h) => h.messageCount), worker.output().slice(-3000)).toEqual(devices.map(() => PER_DEVICE));
      const beats = await db2.workerHeartbeat.findMany({ where: { pid: workerPid } });
      expect(beats).toHaveLength(1);
      expect(beats[0]!.beatAt.getTime()).toBeGreaterThan(Date.now() - 30_000);
    } finally {
      await db2.$disconnect();
    }
    expect(broker.process.pid).toBe(brokerPid);
    expect(broker.process.exitCode).toBeNull();
    expect(worker.process.pid).toBe(workerPid);
    expect(worker.process.exitCode).toBeNull();
  }, 420_000 + RESTARTS * (DOWN_MS + 30_000));
});
