import "server-only";
import type { PrismaClient } from "../db/generated/client";
import type { WorkerJob } from "../worker/loop";
import type { BucketLimit, TakeResult } from "./rate-limit";

/** Anything that hands out tokens per key: in-memory TokenBuckets or the shared ones below. */
export interface RateLimiter {
  take(key: string, count?: number): TakeResult | Promise<TakeResult>;
}

/**
 * Token buckets in PostgreSQL (RateLimitBucket), so every app instance spends
 * from the same bucket: N instances enforce one limit. Refill and take are one
 * upsert on the key's row (the row lock serialises concurrent takes, also
 * across instances) and use the database clock, so instances' clocks never
 * disagree. One round trip per take: meant for limits on requests that write
 * to the database anyway (sign-in); hot paths (telemetry) keep in-memory
 * buckets, per instance (docs/deploy.md).
 */
export class SharedTokenBuckets implements RateLimiter {
  constructor(
    /** Namespaces the keys: one table holds every shared limit. */
    readonly name: string,
    readonly limit: BucketLimit,
    private readonly db: () => PrismaClient,
  ) {}

  /** Spends `count` tokens if the bucket has them; `at` replaces the database clock (tests). */
  async take(key: string, count = 1, at?: Date): Promise<TakeResult> {
    const { ratePerSecond: rate, burst } = this.limit;
    const rows = await this.db().$queryRaw<Array<{ tokens: number; granted: boolean }>>`
      INSERT INTO "RateLimitBucket" AS b ("key", "tokens", "updatedAt", "granted")
      VALUES (
        ${`${this.name}:${key}`},
        CASE WHEN ${burst}::float8 >= ${count}::float8 THEN ${burst}::float8 - ${count}::float8 ELSE ${burst}::float8 END,
        COALESCE(${at ?? null}::timestamptz, clock_timestamp()),
        ${burst}::float8 >= ${count}::float8
      )
      ON CONFLICT ("key") DO UPDATE SET
        "tokens" = CASE
          WHEN LEAST(${burst}::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt")))::float8 * ${rate}::float8) >= ${count}::float8
          THEN LEAST(${burst}::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt")))::float8 * ${rate}::float8) - ${count}::float8
          ELSE LEAST(${burst}::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt")))::float8 * ${rate}::float8)
        END,
        "granted" = LEAST(${burst}::float8, b."tokens" + GREATEST(0, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - b."updatedAt")))::float8 * ${rate}::float8) >= ${count}::float8,
        -- Never move the clock back (a take stamped earlier than the last one refills nothing).
        "updatedAt" = GREATEST(b."updatedAt", EXCLUDED."updatedAt")
      RETURNING "tokens", "granted"`;
    const row = rows[0];
    if (!row) throw new Error("unreachable: the upsert returns its row");
    return row.granted ? { ok: true } : { ok: false, retryAfterMs: Math.ceil(((count - row.tokens) / rate) * 1000) };
  }
}

/** Deletes buckets untouched for `idleMs` (an hour by default: longer than any limit here takes to refill). */
export async function sweepIdleRateLimitBuckets(db: PrismaClient, idleMs = 3_600_000): Promise<number> {
  const { count } = await db.rateLimitBucket.deleteMany({ where: { updatedAt: { lt: new Date(Date.now() - idleMs) } } });
  return count;
}

export function createRateLimitCleanupJob(everyMs = 10 * 60_000): WorkerJob {
  let lastRun = Number.NEGATIVE_INFINITY;
  return {
    name: "rate-limit-cleanup",
    async run({ db }) {
      if (Date.now() - lastRun < everyMs) return;
      lastRun = Date.now();
      await sweepIdleRateLimitBuckets(db);
    },
  };
}
