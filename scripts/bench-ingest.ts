/**
 * Ingest throughput into PostgreSQL: signed telemetry in batches of 100 over
 * HTTP (the route's handler behind node:http) and over MQTT (the app's aedes
 * broker, QoS 1), for --seconds each. Devices are registered directly in the
 * Device table. Prints figures only; asserts nothing.
 *
 *   npm run bench:ingest [-- --seconds 10 --devices 200 --concurrency 4]
 *
 * Uses a throwaway embedded PostgreSQL unless DATABASE_URL is set. Messages are
 * signed before the clock starts, so signing does not compete for the CPU.
 */
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { connectAsync } from "mqtt";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { createDbClient } from "../lib/db/create-client";
import { startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { toWireJson } from "../lib/ingest/message";
import { startMqttBroker } from "../lib/ingest/mqtt-broker";
import { createIngestDeps } from "../lib/ingest/pipeline";
import { handleTelemetryRequest } from "../lib/ingest/pipeline-http";
import { TokenBuckets } from "../lib/http/rate-limit";
import { signTelemetry } from "../lib/ingest/sign";
import { createIngestPool } from "../lib/ingest/store";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    devices: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4" },
    batch: { type: "string", default: "100" },
  },
});
const SECONDS = Number(values.seconds);
const DEVICES = Number(values.devices);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values.batch);
// Enough pre-signed batches for ~3,000 messages/s per transport.
const BATCHES_PER_LANE = Math.ceil((3_000 * SECONDS) / BATCH / CONCURRENCY);

type Device = { address: Hex; privateKey: Hex; sequence: bigint };
type Lane = string[]; // serialized batches, sent one after another

/** Lane i owns devices i, i+C, …, so one device's batches are never in flight twice at once. */
async function signLanes(devices: Device[]): Promise<Lane[]> {
  const lanes: Lane[] = [];
  for (let lane = 0; lane < CONCURRENCY; lane++) {
    const own = devices.filter((_, i) => i % CONCURRENCY === lane);
    const batches: string[] = [];
    for (let b = 0; b < BATCHES_PER_LANE; b++) {
      const messages = [];
      for (let m = 0; m < BATCH; m++) {
        const device = own[(b * BATCH + m) % own.length]!;
        device.sequence += 1n;
        const message = await signTelemetry(device.privateKey, {
          device: device.address,
          sequence: device.sequence,
          timestamp: Date.now(),
          temperatureCentiC: 2000 + m,
          humidityCentiPct: 4500,
          pm25DeciUgM3: 120,
        });
        messages.push(toWireJson(message));
      }
      batches.push(JSON.stringify({ messages }));
    }
    lanes.push(batches);
  }
  return lanes;
}

interface Figures {
  accepted: number;
  other: number;
  seconds: number;
  latencies: number[];
}

async function drive(lanes: Lane[], send: (lane: number, body: string) => Promise<{ accepted: number; other: number }>): Promise<Figures> {
  const figures: Figures = { accepted: 0, other: 0, seconds: 0, latencies: [] };
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    lanes.map(async (batches, lane) => {
      for (const body of batches) {
        if (performance.now() >= deadline) break;
        const t0 = performance.now();
        const { accepted, other } = await send(lane, body);
        figures.latencies.push(performance.now() - t0);
        figures.accepted += accepted;
        figures.other += other;
      }
    }),
  );
  figures.seconds = (performance.now() - started) / 1000;
  return figures;
}

function report(name: string, f: Figures): void {
  const sorted = [...f.latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.toFixed(1) ?? "-";
  console.log(
    `${name.padEnd(5)} ${(f.accepted / f.seconds).toFixed(0).padStart(6)} accepted msg/s  ` +
      `(${f.accepted} accepted, ${f.other} not, ${sorted.length} batches of ${BATCH} in ${f.seconds.toFixed(1)} s, ${CONCURRENCY} in flight)  ` +
      `batch latency p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
  );
}

async function main(): Promise<void> {
  const ephemeral = process.env.DATABASE_URL ? undefined : await startEphemeralPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? ephemeral!.url;
  const pool = createIngestPool(databaseUrl, 10);
  try {
    await applyMigrations(databaseUrl);
    const db = createDbClient(databaseUrl);
    const makeDevices = async (): Promise<Device[]> => {
      const project = await db.project.create({
        data: { chainId: 31337, slug: `bench-${randomBytes(6).toString("hex")}`, name: "Ingest bench", adminAddress: "0x0000000000000000000000000000000000000001" },
      });
      const devices = Array.from({ length: DEVICES }, () => {
        const privateKey = generatePrivateKey();
        return { privateKey, address: privateKeyToAddress(privateKey).toLowerCase() as Hex, sequence: 0n };
      });
      await db.device.createMany({ data: devices.map((d) => ({ address: d.address, projectId: project.id, model: "bench" })) });
      return devices;
    };
    const unlimited = () => new TokenBuckets({ ratePerSecond: 1e9, burst: 1e9 });
    const ingest = createIngestDeps(pool, { deviceLimiter: unlimited() });

    // HTTP
    console.log(`signing ${BATCHES_PER_LANE * CONCURRENCY * BATCH} messages for HTTP…`);
    const httpLanes = await signLanes(await makeDevices());
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const response = await handleTelemetryRequest(
        new Request(`http://localhost${req.url}`, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) }),
        { ingest, clientLimiter: unlimited() },
      );
      res.writeHead(response.status, { "content-type": "application/json" }).end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/telemetry`;
    const http = await drive(httpLanes, async (_lane, body) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
      const { results } = (await response.json()) as { results: Array<{ status: string }> };
      const accepted = results.filter((r) => r.status === "accepted").length;
      return { accepted, other: results.length - accepted };
    });
    server.close();

    // MQTT (one connection per lane; a device's topic carries its own messages, so batches are per device)
    console.log(`signing ${BATCHES_PER_LANE * CONCURRENCY * BATCH} messages for MQTT…`);
    const mqttDevices = await makeDevices();
    const mqttLanes = await signLanes(mqttDevices.slice(0, CONCURRENCY)); // one device per lane: the topic names it
    const broker = await startMqttBroker({ port: 0, host: "127.0.0.1", ingest: createIngestDeps(pool, { deviceLimiter: unlimited() }) });
    const clients = await Promise.all(mqttLanes.map(() => connectAsync(`mqtt://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 })));
    const mqtt = await drive(mqttLanes, async (lane, body) => {
      const device = mqttDevices[lane]!;
      await clients[lane]!.publishAsync(`devices/${device.address}/telemetry`, body, { qos: 1 });
      return { accepted: BATCH, other: 0 };
    });
    const { rows } = await pool.query<{ n: string }>("SELECT count(*)::text AS n FROM ingest.telemetry WHERE transport = 'mqtt'");
    mqtt.other = mqtt.accepted - Number(rows[0]?.n ?? 0);
    mqtt.accepted = Number(rows[0]?.n ?? 0);
    await Promise.all(clients.map((c) => c.endAsync()));
    await broker.stop();
    await db.$disconnect();

    report("HTTP", http);
    report("MQTT", mqtt);
  } finally {
    await pool.end();
    await ephemeral?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
