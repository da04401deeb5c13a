import { connect as tcpConnect, type Socket } from "node:net";
import fc from "fast-check";
import { connectAsync, type MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../../lib/ingest/limits";
import { toWireJson } from "../../../lib/ingest/message";
import { MAX_MQTT_PACKET_BYTES, startMqttBroker, type RunningMqttBroker } from "../../../lib/ingest/mqtt-broker";
import { registerDevices, signed, storedRows, testIngestDeps, testPool, type TestDevice } from "./helpers";

/**
 * Hostile MQTT clients against the app's broker: malformed packets (fast-check
 * byte streams, valid CONNECTs followed by garbage, bad flags, protocol
 * violations) and oversized packets. The broker keeps running and a device
 * connected throughout keeps publishing with every message committed.
 */

let pool: pg.Pool;
let broker: RunningMqttBroker;
let device: TestDevice;
let steady: MqttClient;
let sequence = 0;
const logs: string[] = [];

beforeAll(async () => {
  pool = testPool();
  broker = await startMqttBroker({ port: 0, host: "127.0.0.1", ingest: testIngestDeps(pool), log: (line) => logs.push(line) });
  [device] = (await registerDevices(1)) as [TestDevice];
  steady = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, protocolVersion: 4, clientId: "steady-device" });
});
afterAll(async () => {
  await steady?.endAsync(true);
  await broker?.stop();
  await pool?.end();
});

const topic = () => `devices/${device.address}/telemetry`;

/** The well-behaved device publishes one more message; resolves on PUBACK (= committed). */
async function steadyPublish(): Promise<void> {
  sequence += 1;
  await steady.publishAsync(topic(), JSON.stringify(toWireJson(await signed(device, sequence))), { qos: 1 });
}

/** Writes bytes on a raw connection and resolves once the broker has closed it, or after `idleMs` of silence from it. */
function rawSession(chunks: readonly Buffer[], { idleMs = 300 } = {}): Promise<{ closedByBroker: boolean }> {
  return new Promise((resolve) => {
    const socket: Socket = tcpConnect(broker.port, "127.0.0.1");
    let settled = false;
    const finish = (closedByBroker: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ closedByBroker });
    };
    let idle = setTimeout(() => finish(false), idleMs);
    socket.on("data", () => {
      clearTimeout(idle);
      idle = setTimeout(() => finish(false), idleMs);
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.on("connect", () => {
      for (const chunk of chunks) if (!socket.destroyed) socket.write(chunk);
    });
  });
}

const connectPacket = (clientId: string) => mqttPacket.generate({ cmd: "connect", protocolId: "MQTT", protocolVersion: 4, clean: true, clientId, keepalive: 30 });

const malformedStream = () =>
  fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => [Buffer.from(bytes)]),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => [connectPacket("fuzz-a"), Buffer.from(bytes)]),
  // Reserved flags, QoS 3, a second CONNECT, PUBLISH before CONNECT, a truncated CONNECT.
  fc.constantFrom(
    [connectPacket("fuzz-b"), Buffer.from([0x82, 0x00])],
    [connectPacket("fuzz-c"), Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])],
    [connectPacket("fuzz-d"), connectPacket("fuzz-d")],
    [mqttPacket.generate({ cmd: "publish", topic: topic(), payload: Buffer.from("{}"), qos: 0, retain: false, dup: false })],
    [connectPacket("fuzz-e").subarray(0, 7)],
    [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])],
  ),
  // A valid CONNECT, then a PUBLISH with random topic and payload bytes at any QoS.
  fc
    .record({ topic: fc.string({ maxLength: 80 }), payload: fc.uint8Array({ maxLength: 500 }), qos: fc.constantFrom(0, 1) })
    .map((p) => [
      connectPacket("fuzz-f"),
      mqttPacket.generate({ cmd: "publish", topic: p.topic || "x", payload: Buffer.from(p.payload), qos: p.qos as 0 | 1, messageId: 7, retain: false, dup: false }),
    ]),
);

describe("MQTT broker under hostile clients", () => {
  it("survives malformed packet streams while a connected device keeps publishing", async () => {
    await steadyPublish();
    await fc.assert(
      fc.asyncProperty(malformedStream(), async (chunks) => {
        await rawSession(chunks, { idleMs: 100 });
        await steadyPublish();
      }),
      { numRuns: 40 },
    );
    const rows = await storedRows(pool, device);
    expect(rows.map((row) => Number(row.sequence))).toEqual(Array.from({ length: sequence }, (_, i) => i + 1));
    // A new device connection still works too.
    const late = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, protocolVersion: 4 });
    await late.endAsync();
  });

  it("closes a connection as soon as a packet declares more than the limit, without waiting for its body", async () => {
    const declared = 64 * 1024 * 1024;
    // Fixed header of a PUBLISH declaring 64 MiB, then only a few bytes of it: a buffering broker would wait forever.
    const header = Buffer.from([0x32, ...varint(declared)]);
    const session = await rawSession([connectPacket("big-1"), header, Buffer.alloc(16)], { idleMs: 10_000 });
    expect(session.closedByBroker).toBe(true);
    expect(logs.some((line) => line.includes(`packet over ${MAX_MQTT_PACKET_BYTES} bytes`))).toBe(true);
    await steadyPublish();
  });

  it("answers a payload just over the protocol limit with PAYLOAD_TOO_LARGE and stores nothing", async () => {
    const c = await connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0, protocolVersion: 4 });
    try {
      const results = new Promise<string>((resolve) => c.on("message", (_t, payload) => resolve(payload.toString())));
      await c.subscribeAsync(`${topic()}/results`, { qos: 1 });
      const before = (await storedRows(pool, device)).length;
      await c.publishAsync(topic(), Buffer.alloc(MAX_BODY_BYTES + 1, 0x20), { qos: 1 });
      expect(await results).toContain("PAYLOAD_TOO_LARGE");
      expect(await storedRows(pool, device)).toHaveLength(before);
    } finally {
      await c.endAsync(true);
    }
    await steadyPublish();
    expect((await storedRows(pool, device)).length).toBe(sequence);
  });

  it("many oversized and malformed connections at once leave the steady device unaffected", async () => {
    const hostile = Array.from({ length: 20 }, (_, i) =>
      rawSession(i % 2 ? [connectPacket(`flood-${i}`), Buffer.from([0x32, ...varint(MAX_MQTT_PACKET_BYTES + 1)])] : [Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f])], { idleMs: 10_000 }),
    );
    const publishing = (async () => {
      for (let i = 0; i < 5; i++) await steadyPublish();
    })();
    const sessions = await Promise.all(hostile);
    await publishing;
    expect(sessions.every((s) => s.closedByBroker)).toBe(true);
    expect((await storedRows(pool, device)).length).toBe(sequence);
  });
});

/** MQTT variable byte integer. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) byte |= 0x80;
    bytes.push(byte);
  } while (value > 0);
  return bytes;
}
