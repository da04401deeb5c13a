import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { promisify } from "node:util";
import { connectAsync, type MqttClient } from "mqtt";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toWireJson } from "../../../lib/ingest/message";
import { startMqttBroker, type RunningMqttBroker } from "../../../lib/ingest/mqtt-broker";
import { registerDevices, signed, storedRows, testIngestDeps, testPool, wire, type ResultsBody, type TestDevice } from "./helpers";

let pool: pg.Pool;
let broker: RunningMqttBroker;
const clients: MqttClient[] = [];

beforeAll(async () => {
  pool = testPool();
  broker = await startMqttBroker({ port: 0, host: "127.0.0.1", ingest: testIngestDeps(pool) });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await broker?.stop();
  await pool?.end();
});

async function client(): Promise<MqttClient> {
  const c = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, protocolVersion: 4 });
  clients.push(c);
  return c;
}

const topicOf = (device: TestDevice) => `devices/${device.address}/telemetry`;

/** Subscribes to the device's results and resolves with the next results payload. */
async function nextResults(c: MqttClient, device: TestDevice): Promise<() => Promise<ResultsBody["results"]>> {
  const topic = `${topicOf(device)}/results`;
  const granted = await c.subscribeAsync(topic, { qos: 1 });
  expect(granted[0]?.qos).toBe(1);
  const queue: ResultsBody["results"][] = [];
  const waiters: Array<(r: ResultsBody["results"]) => void> = [];
  c.on("message", (t, payload) => {
    if (t !== topic) return;
    const results = (JSON.parse(payload.toString()) as ResultsBody).results;
    const waiter = waiters.shift();
    if (waiter) waiter(results);
    else queue.push(results);
  });
  return () => {
    const ready = queue.shift();
    return ready ? Promise.resolve(ready) : new Promise((resolve) => waiters.push(resolve));
  };
}

describe("MQTT broker", () => {
  it("sends PUBACK only after the row is committed, then publishes results", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const c = await client();
    const results = await nextResults(c, device);
    const message = await signed(device, 1);
    let rowsAtPuback = -1;
    await new Promise<void>((resolve, reject) =>
      c.publish(topicOf(device), JSON.stringify(toWireJson(message)), { qos: 1 }, (error) => {
        if (error) return reject(error);
        // Query started synchronously from the PUBACK callback.
        storedRows(pool, device).then((rows) => {
          rowsAtPuback = rows.length;
          resolve();
        }, reject);
      }),
    );
    expect(rowsAtPuback).toBe(1);
    expect(await results()).toEqual([{ index: 0, status: "accepted", sequence: "1" }]);
    expect((await storedRows(pool, device))[0]?.transport).toBe("mqtt");

    await c.publishAsync(topicOf(device), JSON.stringify(wire([message, await signed(device, 2)])), { qos: 1 });
    expect((await results()).map((r) => r.code ?? r.status)).toEqual(["DUPLICATE", "accepted"]);
  });

  it("answers a message from another device than the topic's, and a malformed payload, on the results topic", async () => {
    const [device, other] = (await registerDevices(2)) as [TestDevice, TestDevice];
    const c = await client();
    const results = await nextResults(c, device);
    await c.publishAsync(topicOf(device), JSON.stringify(toWireJson(await signed(other, 1))), { qos: 1 });
    expect((await results())[0]).toMatchObject({ index: 0, status: "rejected", code: "DEVICE_MISMATCH", sequence: "1" });
    await c.publishAsync(topicOf(device), Buffer.from([0xff, 0xfe, 0x00]), { qos: 1 });
    expect((await results())[0]).toMatchObject({ index: 0, status: "rejected", code: "SCHEMA" });
    await c.publishAsync(topicOf(device), JSON.stringify({ messages: [] }), { qos: 1 });
    expect((await results())[0]).toMatchObject({ code: "SCHEMA" });
    expect(await storedRows(pool, other)).toHaveLength(0);
  });

  it("survives garbage bytes and forbidden topics, and refuses other subscriptions", async () => {
    await new Promise<void>((resolve) => {
      const socket = tcpConnect(broker.port, "127.0.0.1", () => socket.end(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3])));
      socket.on("close", () => resolve());
      socket.on("error", () => resolve());
    });
    const intruder = await client();
    const closed = new Promise<void>((resolve) => intruder.once("close", () => resolve()));
    intruder.publish("devices/0x0000000000000000000000000000000000000001/telemetry/results", "{}", { qos: 1 });
    await closed;

    const c = await client();
    // SUBACK 0x80 (failure): raw telemetry is not forwarded to anyone.
    await expect(c.subscribeAsync("devices/+/telemetry", { qos: 1 })).rejects.toThrow(/Subscribe error/);
    const [device] = (await registerDevices(1)) as [TestDevice];
    await c.publishAsync(topicOf(device), JSON.stringify(toWireJson(await signed(device, 1))), { qos: 1 });
    expect(await storedRows(pool, device)).toHaveLength(1);
  });

  it("keeps publishes of one connection in order (no SEQUENCE_REPLAY from reordering)", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const c = await client();
    const messages = await Promise.all(Array.from({ length: 30 }, (_, i) => signed(device, i + 1)));
    await Promise.all(messages.map((m) => c.publishAsync(topicOf(device), JSON.stringify(toWireJson(m)), { qos: 1 })));
    expect((await storedRows(pool, device)).map((r) => r.sequence)).toEqual(messages.map((m) => m.sequence.toString()));
  });

  it("never stores a sequence twice when two connections publish for one device at once", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const [a, b] = [await client(), await client()];
    const batch = async (offset: number) => wire(await Promise.all(Array.from({ length: 50 }, (_, i) => signed(device, i + 1, { timestamp: Date.now() - 1000 - offset }))));
    const [batchA, batchB] = [await batch(0), await batch(1)];
    await Promise.all([
      a.publishAsync(topicOf(device), JSON.stringify(batchA), { qos: 1 }),
      b.publishAsync(topicOf(device), JSON.stringify(batchB), { qos: 1 }),
    ]);
    const sequences = (await storedRows(pool, device)).map((r) => r.sequence);
    expect(sequences).toHaveLength(50);
    expect(new Set(sequences).size).toBe(50);
  });

  const MOSQUITTO_PUB = "/usr/bin/mosquitto_pub";
  it.skipIf(!existsSync(MOSQUITTO_PUB))("accepts a QoS 1 publish from mosquitto_pub (Debian mosquitto-clients)", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const payload = JSON.stringify(toWireJson(await signed(device, 1)));
    // With -q 1 mosquitto_pub exits only after the PUBACK.
    await promisify(execFile)(MOSQUITTO_PUB, ["-h", "127.0.0.1", "-p", String(broker.port), "-V", "mqttv311", "-q", "1", "-t", topicOf(device), "-m", payload]);
    expect(await storedRows(pool, device)).toHaveLength(1);
    // aedes speaks MQTT 3.1/3.1.1 only: an MQTT 5 CONNECT is refused (mosquitto_pub -V mqttv5 fails).
  });
});

if (!existsSync("/usr/bin/mosquitto_pub")) {
  console.warn("mosquitto_pub not found: install Debian's mosquitto-clients to run the mosquitto_pub interoperability test");
}
