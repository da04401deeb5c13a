import { randomBytes } from "node:crypto";
import type pg from "pg";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { inject } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { toWireJson, type SignedTelemetryMessage, type TelemetryMessage } from "../../../lib/ingest/message";
import { createIngestDeps, type IngestDeps } from "../../../lib/ingest/pipeline";
import { handleTelemetryRequest, type HttpIngestDeps } from "../../../lib/ingest/pipeline-http";
import { TokenBuckets } from "../../../lib/http/rate-limit";
import { signTelemetry } from "../../../lib/ingest/sign";
import { createIngestPool } from "../../../lib/ingest/store";

export interface TestDevice {
  address: Hex; // lowercase
  privateKey: Hex;
}

/** Registers `count` fresh devices in the Device table under a new project (as the indexer would). */
export async function registerDevices(count: number, options: { active?: boolean } = {}): Promise<TestDevice[]> {
  const db = createDbClient(inject("databaseUrl"));
  try {
    const project = await db.project.create({
      data: { chainId: 31337, slug: `ingest-${randomBytes(6).toString("hex")}`, name: "Ingest test", adminAddress: "0x0000000000000000000000000000000000000001" },
    });
    const devices = Array.from({ length: count }, () => {
      const privateKey = generatePrivateKey();
      return { privateKey, address: privateKeyToAddress(privateKey).toLowerCase() as Hex };
    });
    await db.device.createMany({
      data: devices.map((d) => ({ address: d.address, projectId: project.id, model: "test", active: options.active ?? true })),
    });
    return devices;
  } finally {
    await db.$disconnect();
  }
}

export async function signed(device: TestDevice, sequence: number | bigint, fields: Partial<TelemetryMessage> = {}): Promise<SignedTelemetryMessage> {
  return signTelemetry(device.privateKey, {
    device: device.address,
    sequence: BigInt(sequence),
    timestamp: Date.now() - 1000,
    temperatureCentiC: 2150,
    ...fields,
  });
}

export const wire = (messages: SignedTelemetryMessage[]): { messages: Record<string, unknown>[] } => ({ messages: messages.map(toWireJson) });

export function testPool(): pg.Pool {
  return createIngestPool(inject("databaseUrl"), 4);
}

/** Ingest deps with generous limits unless a test sets its own. */
export function testIngestDeps(pool: pg.Pool, overrides: Partial<Omit<IngestDeps, "pool">> = {}): IngestDeps {
  return createIngestDeps(pool, { deviceLimiter: new TokenBuckets({ ratePerSecond: 1e6, burst: 1e6 }), ...overrides });
}

export function testHttpDeps(pool: pg.Pool, overrides: Partial<HttpIngestDeps> = {}): HttpIngestDeps {
  return { ingest: testIngestDeps(pool), clientLimiter: new TokenBuckets({ ratePerSecond: 1e6, burst: 1e6 }), ...overrides };
}


export async function postTelemetry(deps: HttpIngestDeps, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  const request = new Request("http://localhost/api/v1/telemetry", {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "203.0.113.7", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return handleTelemetryRequest(request, deps);
}

export interface StoredRow {
  sequence: string;
  digest: Buffer;
  encoded: Buffer;
  transport: string;
  temperature_centi_c: number | null;
  lat_e6: number | null;
}

export async function storedRows(pool: pg.Pool, device: TestDevice): Promise<StoredRow[]> {
  const { rows } = await pool.query<StoredRow>(
    `SELECT sequence::text AS sequence, digest, encoded, transport, temperature_centi_c, lat_e6
       FROM ingest.telemetry t WHERE device = $1 ORDER BY t.sequence`,
    [Buffer.from(device.address.slice(2), "hex")],
  );
  return rows;
}

export type ResultsBody = { results: Array<{ index: number; status: string; code?: string; sequence?: string }> };
