import { connectAsync, type MqttClient } from "mqtt";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findFreePort } from "../../../lib/db/embedded";
import { telemetryDigest } from "../../../lib/ingest/encoding";
import { toWireJson, type SignedTelemetryMessage } from "../../../lib/ingest/message";
import { startScript, type ChildScript } from "./child-script";
import { registerDevices, signed, testPool, type TestDevice } from "./helpers";

/**
 * Kill the writer mid-stream: the real broker process (scripts/mqtt-broker.ts)
 * takes QoS 1 publishes from several devices at once and is SIGKILLed after a
 * third of them were acknowledged. Every PUBACK received before the kill must
 * match a committed row; after a restart the devices resend whatever was not
 * acknowledged (as MQTT clients do), and in the end every message is stored
 * exactly once — including those committed whose PUBACK the kill swallowed.
 */

const DEVICES = 12;
// Under the broker's per-connection burst (CLIENT_RATE_LIMIT) so no publish is rate-limited.
const PER_DEVICE = 80;
const KILL_AFTER_ACKS = Math.floor((DEVICES * PER_DEVICE) / 3);

let pool: pg.Pool;
let broker: ChildScript | null = null;
let port: number;
const clients: MqttClient[] = [];

function startBroker(): ChildScript {
  return startScript("scripts/mqtt-broker.ts", { DATABASE_URL: inject("databaseUrl"), MQTT_PORT: String(port) });
}

beforeAll(async () => {
  pool = testPool();
  port = await findFreePort();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
  await broker?.kill();
  await pool.end();
});

const key = (device: TestDevice, sequence: bigint) => `${device.address}:${sequence}`;

/** One connection per device, like real devices; resolves with each publish's PUBACK (or never, if the broker dies first). */
async function publishAll(batches: ReadonlyArray<{ device: TestDevice; messages: SignedTelemetryMessage[] }>, onAck: (key: string) => void): Promise<void> {
  await Promise.all(
    batches.map(async ({ device, messages }) => {
      const client = await connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, protocolVersion: 4, clientId: `kill-${device.address.slice(2, 12)}-${clients.length}` });
      client.on("error", () => undefined); // the kill resets the connection: expected
      clients.push(client);
      for (const message of messages) {
        client.publish(`devices/${device.address}/telemetry`, JSON.stringify(toWireJson(message)), { qos: 1 }, (error) => {
          if (!error) onAck(key(device, message.sequence));
        });
      }
    }),
  );
}

async function storedDigests(devices: readonly TestDevice[]): Promise<Array<{ key: string; digest: string }>> {
  const { rows } = await pool.query<{ device: Buffer; sequence: string; digest: Buffer }>(
    "SELECT device, sequence::text AS sequence, digest FROM ingest.telemetry WHERE device = ANY($1::bytea[])",
    [devices.map((d) => Buffer.from(d.address.slice(2), "hex"))],
  );
  return rows.map((r) => ({ key: `0x${r.device.toString("hex")}:${r.sequence}`, digest: `0x${r.digest.toString("hex")}` }));
}

describe("MQTT broker process killed mid-stream", () => {
  it("stores every acknowledged message, and after resending every message exactly once", async () => {
    const devices = await registerDevices(DEVICES);
    const start = Date.now() - 60 * 60_000;
    const batches = await Promise.all(
      devices.map(async (device) => ({
        device,
        messages: await Promise.all(Array.from({ length: PER_DEVICE }, (_, i) => signed(device, i + 1, { timestamp: start + i * 1000, temperatureCentiC: i }))),
      })),
    );
    const digests = new Map(batches.flatMap(({ device, messages }) => messages.map((m) => [key(device, m.sequence), telemetryDigest(m)] as const)));

    broker = startBroker();
    await broker.waitFor(/MQTT broker listening/);
    const acked = new Set<string>();
    let ackedAtKill: Set<string> | null = null;
    const first = broker;
    await publishAll(batches, (k) => {
      acked.add(k);
      if (acked.size === KILL_AFTER_ACKS) {
        // Synchronously on the PUBACK that reaches the threshold: the other connections are mid-batch.
        first.process.kill("SIGKILL");
        ackedAtKill = new Set(acked);
      }
    });
    // Killed from the acknowledgement callback above once enough PUBACKs arrived.
    await first.exited;
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => undefined)));
    // PUBACKs already in the socket buffer may still have been read: they count too.
    const ackedBeforeRestart = new Set(acked);
    expect(ackedAtKill).not.toBeNull();
    expect(ackedBeforeRestart.size).toBeLessThan(DEVICES * PER_DEVICE);

    const afterKill = await storedDigests(devices);
    const storedAfterKill = new Map(afterKill.map((r) => [r.key, r.digest]));
    for (const k of ackedBeforeRestart) expect(storedAfterKill.get(k), `acknowledged ${k} is stored`).toBe(digests.get(k));

    // Restart; each device resends, in order, what it has no PUBACK for.
    broker = startBroker();
    await broker.waitFor(/MQTT broker listening/);
    const resend = batches.map(({ device, messages }) => ({ device, messages: messages.filter((m) => !acked.has(key(device, m.sequence))) }));
    const resentCount = resend.reduce((n, b) => n + b.messages.length, 0);
    const resentAcks = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      void publishAll(resend, (k) => {
        resentAcks.add(k);
        if (resentAcks.size === resentCount) resolve();
      }).catch(reject);
    });

    const final = await storedDigests(devices);
    expect(final).toHaveLength(DEVICES * PER_DEVICE);
    expect(new Set(final.map((r) => r.key)).size).toBe(DEVICES * PER_DEVICE);
    for (const row of final) expect(row.digest).toBe(digests.get(row.key));
    const { rows: state } = await pool.query<{ last_sequence: string; message_count: string }>(
      "SELECT last_sequence::text, message_count::text FROM ingest.device_state WHERE device = ANY($1::bytea[])",
      [devices.map((d) => Buffer.from(d.address.slice(2), "hex"))],
    );
    expect(state.map((s) => [s.last_sequence, s.message_count])).toEqual(devices.map(() => [String(PER_DEVICE), String(PER_DEVICE)]));
    // For the record: how many were committed but unacknowledged when the process died.
    console.log(
      `kill-broker: ${ackedBeforeRestart.size} acknowledged before the kill, ${afterKill.length} committed, ${resentCount} resent (${afterKill.length - ackedBeforeRestart.size} of them duplicates)`,
    );
    // Two process starts and ~1,000 single-message transactions on a shared 2-core machine.
  }, 240_000);
});
