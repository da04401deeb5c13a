import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { TokenBuckets } from "../../../lib/http/rate-limit";
import { SharedTokenBuckets, sweepIdleRateLimitBuckets } from "../../../lib/http/shared-rate-limit";

// Two clients = two app instances sharing one database.
const instanceA = createDbClient(inject("databaseUrl"));
const instanceB = createDbClient(inject("databaseUrl"));

afterAll(async () => {
  await Promise.all([instanceA.$disconnect(), instanceB.$disconnect()]);
});

const freshName = () => `test-${randomBytes(4).toString("hex")}`;
const T0 = new Date("2026-01-01T00:00:00.000Z");
const after = (ms: number) => new Date(T0.getTime() + ms);

describe("SharedTokenBuckets", () => {
  it("two instances taking at once grant exactly the burst between them", async () => {
    const name = freshName();
    const a = new SharedTokenBuckets(name, { ratePerSecond: 1, burst: 5 }, () => instanceA);
    const b = new SharedTokenBuckets(name, { ratePerSecond: 1, burst: 5 }, () => instanceB);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take("203.0.113.1", 1, T0)));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    // Another key has its own bucket.
    expect((await a.take("203.0.113.2", 1, T0)).ok).toBe(true);
  });

  it("refills at the configured rate on the database's timeline and says when to retry", async () => {
    const buckets = new SharedTokenBuckets(freshName(), { ratePerSecond: 2, burst: 3 }, () => instanceA);
    for (let i = 0; i < 3; i++) expect((await buckets.take("k", 1, T0)).ok).toBe(true);
    expect(await buckets.take("k", 1, T0)).toEqual({ ok: false, retryAfterMs: 500 });
    expect((await buckets.take("k", 1, after(500))).ok).toBe(true);
    expect((await buckets.take("k", 1, after(500))).ok).toBe(false);
    // A take stamped in the past (another instance's slower request) refills nothing.
    expect((await buckets.take("k", 1, T0)).ok).toBe(false);
    expect((await buckets.take("k", 4, after(100_000))).ok).toBe(false);
    expect((await buckets.take("k", 3, after(100_000))).ok).toBe(true);
  });

  it("decides like the in-memory token buckets for any sequence of takes (property)", async () => {
    const op = fc.record({ waitHalfSeconds: fc.integer({ min: 0, max: 6 }), count: fc.integer({ min: 1, max: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), fc.integer({ min: 1, max: 6 }), async (ops, burst) => {
        let now = T0.getTime();
        const limit = { ratePerSecond: 2, burst };
        const model = new TokenBuckets(limit, () => now);
        const shared = new SharedTokenBuckets(freshName(), limit, () => (ops.length % 2 ? instanceA : instanceB));
        for (const { waitHalfSeconds, count } of ops) {
          now += waitHalfSeconds * 500;
          expect(await shared.take("key", count, new Date(now))).toEqual(model.take("key", count));
        }
      }),
      { numRuns: 30 },
    );
  });

  it("uses the database clock when none is given, and idle buckets are swept", async () => {
    const name = freshName();
    const buckets = new SharedTokenBuckets(name, { ratePerSecond: 1, burst: 1 }, () => instanceA);
    expect((await buckets.take("live")).ok).toBe(true);
    expect((await buckets.take("live")).ok).toBe(false);
    await buckets.take("idle", 1, new Date(Date.now() - 2 * 3_600_000));
    await sweepIdleRateLimitBuckets(instanceA);
    const keys = (await instanceA.rateLimitBucket.findMany({ where: { key: { startsWith: `${name}:` } } })).map((row) => row.key);
    expect(keys).toEqual([`${name}:live`]);
  });
});
