import type pg from "pg";
import { bytesToHex } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { encodeTelemetry, telemetryDigest } from "../../../lib/ingest/encoding";
import { MAX_BATCH_MESSAGES, MAX_BODY_BYTES } from "../../../lib/ingest/limits";
import { TokenBuckets } from "../../../lib/http/rate-limit";
import { createIngestPool } from "../../../lib/ingest/store";
import {
  postTelemetry,
  registerDevices,
  signed,
  storedRows,
  testHttpDeps,
  testIngestDeps,
  testPool,
  wire,
  type ResultsBody,
  type TestDevice,
} from "./helpers";

let pool: pg.Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(async () => {
  await pool.end();
});

async function results(response: Response): Promise<ResultsBody["results"]> {
  expect(response.status).toBe(200);
  return ((await response.json()) as ResultsBody).results;
}
const codes = (list: ResultsBody["results"]) => list.map((r) => r.code ?? r.status);

describe("POST /api/v1/telemetry storage", () => {
  let device: TestDevice;
  beforeAll(async () => {
    [device] = (await registerDevices(1)) as [TestDevice];
  });

  it("stores accepted messages durably with their evidence and typed readings", async () => {
    const messages = [
      await signed(device, 1),
      await signed(device, 2, { position: { latE6: 52520008, lonE6: 13404954 } }),
      await signed(device, 5, { firmware: "aq/1.0" }),
    ];
    const list = await results(await postTelemetry(testHttpDeps(pool), wire(messages)));
    expect(list).toEqual([0, 1, 2].map((index) => ({ index, status: "accepted" })));

    const rows = await storedRows(pool, device);
    expect(rows.map((r) => r.sequence)).toEqual(["1", "2", "5"]);
    rows.forEach((row, i) => {
      const message = messages[i]!;
      expect(bytesToHex(row.encoded)).toBe(bytesToHex(encodeTelemetry(message)));
      expect(bytesToHex(row.digest)).toBe(telemetryDigest(message));
      expect(row.transport).toBe("http");
      expect(row.temperature_centi_c).toBe(2150);
    });
    expect(rows[1]?.lat_e6).toBe(52520008);
    const state = await pool.query<{ last_sequence: string; message_count: string }>(
      "SELECT last_sequence::text, message_count::text FROM ingest.device_state WHERE device = $1",
      [Buffer.from(device.address.slice(2), "hex")],
    );
    expect(state.rows[0]).toEqual({ last_sequence: "5", message_count: "3" });
  });

  it("answers a resent batch with duplicates and stores nothing twice", async () => {
    const messages = [await signed(device, 10), await signed(device, 11)];
    const deps = testHttpDeps(pool);
    expect(codes(await results(await postTelemetry(deps, wire(messages))))).toEqual(["accepted", "accepted"]);
    expect(codes(await results(await postTelemetry(deps, wire(messages))))).toEqual(["DUPLICATE", "DUPLICATE"]);
    const dup = await results(await postTelemetry(deps, wire([messages[0]!, messages[0]!])));
    expect(dup.map((r) => r.status)).toEqual(["duplicate", "duplicate"]);
    expect((await storedRows(pool, device)).filter((r) => r.sequence === "10" || r.sequence === "11")).toHaveLength(2);
  });

  it("a message repeated inside one batch is accepted once, then a duplicate", async () => {
    const message = await signed(device, 20);
    expect(codes(await results(await postTelemetry(testHttpDeps(pool), wire([message, message]))))).toEqual(["accepted", "DUPLICATE"]);
  });

  it("rejects a lower or equal sequence with other content as SEQUENCE_REPLAY", async () => {
    const list = await results(await postTelemetry(testHttpDeps(pool), wire([await signed(device, 20, { temperatureCentiC: 1 }), await signed(device, 3)])));
    expect(codes(list)).toEqual(["SEQUENCE_REPLAY", "SEQUENCE_REPLAY"]);
  });
});

describe("POST /api/v1/telemetry rejections", () => {
  it("rejects unknown and inactive devices", async () => {
    const [inactive] = (await registerDevices(1, { active: false })) as [TestDevice];
    const [active] = (await registerDevices(1)) as [TestDevice];
    const stranger: TestDevice = { privateKey: `0x${"42".repeat(32)}`, address: "0x" as `0x${string}` };
    const { privateKeyToAddress } = await import("viem/accounts");
    stranger.address = privateKeyToAddress(stranger.privateKey).toLowerCase() as `0x${string}`;
    const list = await results(
      await postTelemetry(testHttpDeps(pool), wire([await signed(stranger, 1), await signed(inactive, 1), await signed(active, 1)])),
    );
    expect(codes(list)).toEqual(["UNKNOWN_DEVICE", "DEVICE_INACTIVE", "accepted"]);
    expect(await storedRows(pool, inactive)).toHaveLength(0);
  });

  it("rejects bad signatures and messages signed by another key", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const good = await signed(device, 1);
    const tampered = { ...(await signed(device, 2)), temperatureCentiC: 9999 };
    const garbage = { ...(await signed(device, 3)), signature: `0x${"00".repeat(64)}1b` as `0x${string}` };
    const list = await results(await postTelemetry(testHttpDeps(pool), wire([tampered, garbage, good])));
    expect(codes(list)).toEqual(["DEVICE_MISMATCH", "BAD_SIGNATURE", "accepted"]);
    expect((await storedRows(pool, device)).map((r) => r.sequence)).toEqual(["1"]);
  });

  it("rejects timestamps outside the clock window", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const now = Date.now();
    const list = await results(
      await postTelemetry(
        testHttpDeps(pool),
        wire([await signed(device, 1, { timestamp: now - 25 * 3600_000 }), await signed(device, 2, { timestamp: now + 10 * 60_000 }), await signed(device, 3)]),
      ),
    );
    expect(codes(list)).toEqual(["CLOCK_SKEW", "CLOCK_SKEW", "accepted"]);
  });

  it("keeps schema errors per message and answers request-level failures with the error shape", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const list = await results(await postTelemetry(testHttpDeps(pool), { messages: [{ nope: 1 }, wire([await signed(device, 1)]).messages[0]] }));
    expect(codes(list)).toEqual(["SCHEMA", "accepted"]);

    const notJson = await postTelemetry(testHttpDeps(pool), "{not json");
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe("SCHEMA");
    const empty = await postTelemetry(testHttpDeps(pool), { messages: [] });
    expect(empty.status).toBe(400);
  });

  it("refuses more than MAX_BATCH_MESSAGES with 413 BATCH_TOO_LARGE, storing nothing", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const one = wire([await signed(device, 1)]).messages[0];
    const response = await postTelemetry(testHttpDeps(pool), { messages: Array.from({ length: MAX_BATCH_MESSAGES + 1 }, () => one) });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("BATCH_TOO_LARGE");
    expect(await storedRows(pool, device)).toHaveLength(0);
  });

  it("refuses an oversized body with 413 whether or not Content-Length announces it", async () => {
    const big = JSON.stringify({ messages: [{ device: "x".repeat(MAX_BODY_BYTES) }] });
    const declared = await postTelemetry(testHttpDeps(pool), big, { "content-length": String(big.length) });
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");

    // A chunked stream with no Content-Length: reading stops past the limit.
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        if (pulled > 100) controller.close();
      },
    });
    const request = new Request("http://localhost/api/v1/telemetry", { method: "POST", body: stream, duplex: "half" } as RequestInit);
    const { handleTelemetryRequest } = await import("../../../lib/ingest/pipeline-http");
    const streamed = await handleTelemetryRequest(request, testHttpDeps(pool));
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("rate-limits per device (later messages held back) and per client IP (429 + Retry-After)", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const deps = testHttpDeps(pool, { ingest: testIngestDeps(pool, { deviceLimiter: new TokenBuckets({ ratePerSecond: 0.001, burst: 2 }) }) });
    const messages = await Promise.all([1, 2, 3, 4].map((s) => signed(device, s)));
    expect(codes(await results(await postTelemetry(deps, wire(messages))))).toEqual(["accepted", "accepted", "RATE_LIMITED", "RATE_LIMITED"]);
    // Junk in its name does not spend the device's budget; a retry of 3 later is then possible.
    expect((await storedRows(pool, device)).map((r) => r.sequence)).toEqual(["1", "2"]);

    const clientLimited = testHttpDeps(pool, { clientLimiter: new TokenBuckets({ ratePerSecond: 0.001, burst: 1 }) });
    expect((await postTelemetry(clientLimited, { messages: [{}] })).status).toBe(200);
    const refused = await postTelemetry(clientLimited, { messages: [{}] });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("RATE_LIMITED");
    expect((await postTelemetry(clientLimited, { messages: [{}] }, { "x-forwarded-for": "198.51.100.1" })).status).toBe(200);
  });

  it("answers 503 INTERNAL_ERROR with Retry-After when the database is unreachable", async () => {
    const [device] = (await registerDevices(1)) as [TestDevice];
    const deadPool = createIngestPool("postgresql://postgres:postgres@127.0.0.1:1/none", 1);
    try {
      const response = await postTelemetry(testHttpDeps(deadPool), wire([await signed(device, 1)]));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("INTERNAL_ERROR");
    } finally {
      await deadPool.end();
    }
  });
});

describe("concurrency", () => {
  it("never stores a sequence twice when batches for one device race on separate connections", async () => {
    const [device, other] = (await registerDevices(2)) as [TestDevice, TestDevice];
    const pools = [testPool(), testPool(), testPool()];
    try {
      // Same sequences, different content (timestamps): only one version of each may win.
      const batches = await Promise.all(
        pools.map(async (_, p) => {
          const messages = [];
          for (let s = 1; s <= 40; s++) {
            messages.push(await signed(device, s, { timestamp: Date.now() - 1000 - p }));
            messages.push(await signed(other, s, { timestamp: Date.now() - 1000 - p }));
          }
          return p % 2 === 0 ? messages : messages.reverse(); // opposite device order too: no deadlock
        }),
      );
      const responses = await Promise.all(batches.map((batch, p) => postTelemetry(testHttpDeps(pools[p]!), wire(batch))));
      for (const response of responses) expect(response.status).toBe(200);
      for (const d of [device, other]) {
        const sequences = (await storedRows(pool, d)).map((r) => r.sequence);
        expect(new Set(sequences).size).toBe(sequences.length);
        expect(sequences.length).toBeGreaterThan(0);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});

describe("ingest.telemetry layout", () => {
  it("is append-only through the parent table", async () => {
    await expect(pool.query("UPDATE ingest.telemetry SET transport = 'x' WHERE false")).rejects.toThrow(/append-only/);
    await expect(pool.query("DELETE FROM ingest.telemetry WHERE false")).rejects.toThrow(/append-only/);
  });

  it("has daily partitions ahead and moves default-partition rows into a day it creates", async () => {
    const { rows } = await pool.query<{ name: string }>(
      "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'ingest.telemetry'::regclass",
    );
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    expect(rows.map((r) => r.name)).toContain(`telemetry_${today}`);
    expect(rows.map((r) => r.name)).toContain("telemetry_default");

    // A far-future day has no partition: the row lands in the default one, then moves.
    await pool.query(
      `INSERT INTO ingest.telemetry (device, sequence, measured_at, transport, digest, encoded, signature)
       VALUES ($1, 1, '2030-01-02T03:00:00Z', 'http', '\\x00', '\\x00', '\\x00')`,
      [Buffer.alloc(20, 7)],
    );
    const where = async () =>
      (await pool.query<{ part: string }>("SELECT tableoid::regclass::text AS part FROM ingest.telemetry WHERE device = $1", [Buffer.alloc(20, 7)])).rows[0]?.part;
    expect(await where()).toBe("ingest.telemetry_default");
    await pool.query("SELECT ingest.ensure_telemetry_partitions('2030-01-02', 1)");
    expect(await where()).toBe("ingest.telemetry_20300102");
  });
});

describe("the Next.js route module", () => {
  it("exports POST wired to DATABASE_URL's database", async () => {
    process.env.DATABASE_URL = inject("databaseUrl");
    const { POST } = await import("../../../app/api/v1/telemetry/route");
    const [device] = (await registerDevices(1)) as [TestDevice];
    const response = await POST(
      new Request("http://localhost/api/v1/telemetry", { method: "POST", body: JSON.stringify(wire([await signed(device, 7)])) }),
    );
    expect(codes(await results(response))).toEqual(["accepted"]);
    expect((await storedRows(pool, device)).map((r) => r.sequence)).toEqual(["7"]);
  });
});
