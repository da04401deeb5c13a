import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type pg from "pg";
import { ingestBatch } from "../../../lib/ingest/pipeline";
import { createDeviceRegistry } from "../../../lib/ingest/store-registry";
import { registerDevices, signed, testIngestDeps, testPool } from "./helpers";

/**
 * Signature recovery (about 2 ms a message) runs between the registry lookup and the storing transaction. A batch of
 * hundreds must leave the event loop to the process's other requests meanwhile (lib/ingest/pipeline.ts
 * verifyInSlices): counted here as event-loop turns between the two, which a synchronous loop leaves at zero.
 */
let pool: pg.Pool;

beforeAll(() => {
  pool = testPool();
});

afterAll(async () => {
  await pool?.end();
});

describe("signature verification of a large batch", () => {
  it("yields to the event loop while it verifies, and still accepts every message", async () => {
    const [device] = await registerDevices(1);
    const start = Date.now() - 600_000;
    const messages = await Promise.all(Array.from({ length: 400 }, (_, i) => signed(device!, i + 1, { timestamp: start + i * 1_000 })));

    let turns = 0;
    let counting = false;
    const tick = () => {
      if (!counting) return;
      turns += 1;
      setImmediate(tick);
    };
    const registry = createDeviceRegistry(pool);
    const connect = pool.connect.bind(pool);
    // pool.query (the registry lookup) connects with a callback, the storing transaction without one.
    const spy = vi.spyOn(pool, "connect").mockImplementation(((...args: unknown[]) => {
      if (args.length === 0) counting = false; // the storing transaction begins: verification is over
      return (connect as (...a: unknown[]) => unknown)(...args);
    }) as typeof pool.connect);
    try {
      const results = await ingestBatch(testIngestDeps(pool, {
        registry: {
          ...registry,
          statuses: async (devices) => {
            const statuses = await registry.statuses(devices);
            counting = true;
            setImmediate(tick);
            return statuses;
          },
        },
      }), { messages: messages.map((value) => ({ ok: true as const, value })), transport: "http" });
      expect(results.every((r) => r.status === "accepted")).toBe(true);
    } finally {
      spy.mockRestore();
    }
    // 400 recoveries take several hundred ms; slices of 10 ms give dozens of turns. Only the absence of any is a defect.
    expect(turns).toBeGreaterThanOrEqual(2);
  });
});
