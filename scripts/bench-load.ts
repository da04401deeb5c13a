/**
 * Scale-out benchmark: the production web app (`next start`) as 1, 2 and 4
 * instances on different ports against one embedded PostgreSQL. For each
 * instance count: signed telemetry batches sent round-robin to the instances
 * as fast as they are answered (sustained ingest rate), while an API prober
 * reads GET /api/devices/[address] (API latency p50/p99). Prints a table;
 * asserts nothing.
 *
 *   npm run bench:load [-- --seconds 15 --instances 1,2,4 --concurrency 8 --port 3300]
 *
 * Uses the existing production build (built first when stale). Each run has
 * its own devices, signed before its clock starts so signing does not compete
 * for the CPU. Rate limits are per client address and per device, so lanes
 * use distinct X-Forwarded-For values and every device stays within its burst.
 * On a 2-core machine more instances mostly add contention: the figures show
 * where the single database and the cores saturate, not a cluster's capacity.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { createDbClient } from "../lib/db/create-client";
import { startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { ensureNextBuild } from "./lib/next-build";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "15" },
    instances: { type: "string", default: "1,2,4" },
    concurrency: { type: "string", default: "8" },
    batch: { type: "string", default: "50" },
    port: { type: "string", default: "3300" },
  },
});
const SECONDS = Number(values.seconds);
const INSTANCE_COUNTS = values.instances.split(",").map(Number);
const CONCURRENCY = Number(values.concurrency);
const BATCH = Number(values.batch);
const BASE_PORT = Number(values.port);
// Signed ahead per run: enough for ~1,500 messages/s, each device well inside its burst of 1,000.
const MESSAGES_PER_RUN = Math.ceil((1_500 * SECONDS) / BATCH) * BATCH;
const WARMUP_BATCHES = 8;
const DEVICES_PER_RUN = Math.max(CONCURRENCY, Math.ceil(MESSAGES_PER_RUN / 500));

const root = process.cwd();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

async function startInstances(count: number, databaseUrl: string): Promise<{ urls: string[]; stop(): Promise<void> }> {
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    const port = BASE_PORT + i;
    const child = spawn(join(root, "node_modules", ".bin", "next"), ["start", "--port", String(port)], {
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: databaseUrl, APP_URL: `http://localhost:${port}`, PORT: String(port) },
      stdio: ["ignore", "ignore", "inherit"],
    });
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
  }
  const stop = async () => {
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null ? undefined : new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
      ),
    );
  };
  try {
    for (const url of urls) {
      for (let attempt = 0; ; attempt++) {
        const ok = await fetch(`${url}/api/auth/session`).then((r) => r.ok, () => false);
        if (ok) break;
        if (attempt > 240) throw new Error(`${url} did not start`);
        await sleep(500);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { urls, stop };
}

async function signBatches(db: ReturnType<typeof createDbClient>): Promise<{ batches: string[]; devices: Hex[] }> {
  const project = await db.project.create({
    data: { chainId: 31337, slug: `load-${randomBytes(6).toString("hex")}`, name: "Load bench", adminAddress: "0x0000000000000000000000000000000000000001" },
  });
  const devices = Array.from({ length: DEVICES_PER_RUN }, () => {
    const privateKey = generatePrivateKey();
    return { privateKey, address: privateKeyToAddress(privateKey).toLowerCase() as Hex, sequence: 0n };
  });
  await db.device.createMany({ data: devices.map((d) => ({ address: d.address, projectId: project.id, model: "bench" })) });
  const batches: string[] = [];
  // The first batches warm each instance up (route compilation, connection pools) before the clock starts.
  for (let b = 0; b < MESSAGES_PER_RUN / BATCH + WARMUP_BATCHES; b++) {
    // One device per batch, so concurrent batches never race on one device's sequence.
    const device = devices[b % devices.length]!;
    const messages = [];
    for (let m = 0; m < BATCH; m++) {
      device.sequence += 1n;
      messages.push(toWireJson(await signTelemetry(device.privateKey, { device: device.address, sequence: device.sequence, timestamp: Date.now(), temperatureCentiC: 2000 + m })));
    }
    batches.push(JSON.stringify({ messages }));
  }
  return { batches, devices: devices.map((d) => d.address) };
}

interface Row {
  instances: number;
  messagesPerSecond: number;
  notAccepted: number;
  batchP99: number;
  apiRequests: number;
  apiP50: number;
  apiP99: number;
  apiErrors: number;
}

async function run(count: number, databaseUrl: string, db: ReturnType<typeof createDbClient>): Promise<Row> {
  process.stdout.write(`${count} instance(s): signing ${MESSAGES_PER_RUN} messages… `);
  const { batches, devices } = await signBatches(db);
  process.stdout.write("starting… ");
  const cluster = await startInstances(count, databaseUrl);
  try {
    process.stdout.write("warming up… ");
    let next = 0;
    for (const url of cluster.urls) {
      for (let w = 0; w < WARMUP_BATCHES / cluster.urls.length; w++) {
        await fetch(`${url}/api/v1/telemetry`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": "10.3.0.1" }, body: batches[next++] }).then((r) => r.arrayBuffer());
        await fetch(`${url}/api/devices/${devices[w % devices.length]}`, { headers: { "x-forwarded-for": "10.3.0.2" } }).then((r) => r.arrayBuffer());
      }
    }
    next = WARMUP_BATCHES;
    process.stdout.write("loading\n");
    let accepted = 0;
    let notAccepted = 0;
    const batchLatencies: number[] = [];
    const apiLatencies: number[] = [];
    let apiErrors = 0;
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    const lanes = Array.from({ length: CONCURRENCY }, async (_, lane) => {
      for (let i = lane; performance.now() < deadline; i += CONCURRENCY) {
        const body = batches[next++];
        if (body === undefined) break;
        const url = cluster.urls[i % cluster.urls.length]!;
        const t0 = performance.now();
        const response = await fetch(`${url}/api/v1/telemetry`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": `10.1.${lane}.${i % 250}` }, body });
        batchLatencies.push(performance.now() - t0);
        if (!response.ok) {
          notAccepted += BATCH;
          await response.arrayBuffer();
          continue;
        }
        const { results } = (await response.json()) as { results: Array<{ status: string }> };
        const ok = results.filter((r) => r.status === "accepted").length;
        accepted += ok;
        notAccepted += results.length - ok;
      }
    });
    const prober = Array.from({ length: 2 }, async (_, p) => {
      for (let i = p; performance.now() < deadline; i += 2) {
        const url = cluster.urls[i % cluster.urls.length]!;
        const t0 = performance.now();
        const response = await fetch(`${url}/api/devices/${devices[i % devices.length]}`, { headers: { "x-forwarded-for": `10.2.${p}.${i % 250}` } });
        await response.arrayBuffer();
        apiLatencies.push(performance.now() - t0);
        if (!response.ok) apiErrors += 1;
      }
    });
    await Promise.all([...lanes, ...prober]);
    const seconds = (performance.now() - started) / 1000;
    const sortedBatches = batchLatencies.sort((a, b) => a - b);
    const sortedApi = apiLatencies.sort((a, b) => a - b);
    return {
      instances: count,
      messagesPerSecond: accepted / seconds,
      notAccepted,
      batchP99: percentile(sortedBatches, 0.99),
      apiRequests: sortedApi.length,
      apiP50: percentile(sortedApi, 0.5),
      apiP99: percentile(sortedApi, 0.99),
      apiErrors,
    };
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  await ensureNextBuild(root, process.env, (line) => console.log(line));
  const ephemeral = process.env.DATABASE_URL ? undefined : await startEphemeralPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? ephemeral!.url;
  const db = createDbClient(databaseUrl);
  const rows: Row[] = [];
  try {
    await applyMigrations(databaseUrl);
    for (const count of INSTANCE_COUNTS) rows.push(await run(count, databaseUrl, db));
  } finally {
    await db.$disconnect();
    await ephemeral?.stop();
  }
  const os = await import("node:os");
  // Other processes on the machine change every figure: the load average says how busy it was.
  console.log(`\n${SECONDS} s per run, ${CONCURRENCY} ingest lanes (batches of ${BATCH}) + 2 API readers, one PostgreSQL, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" / ")}`);
  console.log("| instances | ingest msg/s | not accepted | batch p99 ms | API requests | API p50 ms | API p99 ms | API errors |");
  console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.instances} | ${r.messagesPerSecond.toFixed(0)} | ${r.notAccepted} | ${r.batchP99.toFixed(1)} | ${r.apiRequests} | ${r.apiP50.toFixed(1)} | ${r.apiP99.toFixed(1)} | ${r.apiErrors} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
