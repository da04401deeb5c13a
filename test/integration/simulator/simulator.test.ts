import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { startMqttBroker, type RunningMqttBroker } from "../../../lib/ingest/mqtt-broker";
import { handleTelemetryRequest } from "../../../lib/ingest/pipeline-http";
import { TokenBuckets } from "../../../lib/http/rate-limit";
import { DEMO_PROJECT_SLUG, seedDemo } from "../../../lib/seed/demo";
import { generateFleet } from "../../../lib/simulator/fleet";
import { registerSimulatedFleet } from "../../../lib/simulator/registration";
import { startSimulator } from "../../../lib/simulator/runner";
import { testIngestDeps, testPool } from "../ingest/helpers";

/**
 * The simulator against the real ingestion pipeline (HTTP handler and aedes
 * broker over PostgreSQL) and the real DeviceRegistry on anvil.
 */

const fleet = generateFleet({ seed: 7, size: 12, intervalMs: 400 });
let pool: pg.Pool;
let broker: RunningMqttBroker;
let server: Server;

beforeAll(async () => {
  pool = testPool();
  const ingest = testIngestDeps(pool);
  broker = await startMqttBroker({ port: 0, host: "127.0.0.1", ingest });
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const response = await handleTelemetryRequest(
      new Request(`http://localhost${req.url}`, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) }),
      { ingest, clientLimiter: new TokenBuckets({ ratePerSecond: 1e6, burst: 1e6 }) },
    );
    res.writeHead(response.status, { "content-type": "application/json" }).end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await broker?.stop();
  await pool?.end();
});

describe("simulator", () => {
  it("registers its non-demo devices in the demo project, once", async () => {
    const deployment = readDeployment(inject("deploymentsFile"), 31337);
    if (!deployment) throw new Error("no deployment");
    const db = createDbClient(inject("databaseUrl"));
    try {
      await seedDemo({ db, rpcUrl: inject("rpcUrl"), deployment, adminPrivateKey: LOCAL_DEV_PRIVATE_KEY, log: () => undefined });
    } finally {
      await db.$disconnect();
    }
    const devices = fleet.filter((d) => !d.demo).map((d) => ({ address: d.address, model: d.model }));
    const options = { rpcUrl: inject("rpcUrl"), deployment, adminPrivateKey: LOCAL_DEV_PRIVATE_KEY, devices, batchSize: 3 };
    const first = await registerSimulatedFleet(options);
    expect(first).toMatchObject({ registered: 7, alreadyRegistered: 0, inOtherProject: [] });
    const second = await registerSimulatedFleet(options);
    expect(second).toMatchObject({ registered: 0, alreadyRegistered: 7, projectId: first.projectId });
  });

  it("gets its readings accepted over HTTP and MQTT, with only the misbehaving devices rejected", async () => {
    // What the chain indexer does after registration: copy the devices into the Device table.
    const db = createDbClient(inject("databaseUrl"));
    try {
      const project = await db.project.findUniqueOrThrow({ where: { slug: DEMO_PROJECT_SLUG } });
      for (const device of fleet) {
        const address = device.address.toLowerCase();
        await db.device.upsert({ where: { address }, create: { address, projectId: project.id, model: device.model }, update: {} });
      }
    } finally {
      await db.$disconnect();
    }

    const lines: string[] = [];
    const simulator = startSimulator({
      devices: fleet,
      appUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      mqttUrl: `mqtt://127.0.0.1:${broker.port}`,
      durationMs: 6_000,
      tickMs: 250,
      statusEveryMs: 2_000,
      log: (line) => lines.push(line),
    });
    await simulator.done;
    const { tally } = simulator;
    expect(tally.accepted, lines.join("\n")).toBeGreaterThan(60);
    // Only the clock-drift device's CLOCK_SKEW is an expected rejection here; nothing malformed, nothing replayed.
    expect([...tally.rejected.keys()].filter((code) => code !== "CLOCK_SKEW"), lines.join("\n")).toEqual([]);

    const { rows } = await pool.query<{ transport: string; devices: string }>(
      "SELECT transport, count(DISTINCT device)::text AS devices FROM ingest.telemetry WHERE device = ANY($1::bytea[]) GROUP BY transport",
      [fleet.map((d) => Buffer.from(d.address.slice(2), "hex"))],
    );
    const byTransport = Object.fromEntries(rows.map((r) => [r.transport, Number(r.devices)]));
    expect(byTransport.http).toBeGreaterThanOrEqual(6);
    expect(byTransport.mqtt).toBeGreaterThanOrEqual(3);
  });
});
