/**
 * In-memory token buckets (docs/device-protocol.md §10), one per key (device
 * address, client IP, MQTT connection). Per process: N app instances allow N×
 * the configured rate. A shared limit would keep the buckets in one place all
 * instances reach (a Redis/Valkey GCRA script, or a PostgreSQL row per key
 * updated in the batch transaction that already locks the device's state).
 */

export interface BucketLimit {
  /** Tokens added per second. */
  ratePerSecond: number;
  /** Bucket size: how many may be spent at once after a quiet period. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets above this count trigger a sweep of those that refilled completely (idle keys). */
const SWEEP_THRESHOLD = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: BucketLimit,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Spends `count` tokens of `key`'s bucket if it has them; otherwise spends none. */
  take(key: string, count = 1): TakeResult {
    const now = this.clock();
    const bucket = this.refilled(key, now);
    if (bucket.tokens >= count) {
      bucket.tokens -= count;
      return { ok: true };
    }
    const missing = count - bucket.tokens;
    return { ok: false, retryAfterMs: Math.ceil((missing / this.limit.ratePerSecond) * 1000) };
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_THRESHOLD) this.sweep(now);
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + elapsedSeconds * this.limit.ratePerSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  /** A full bucket is indistinguishable from a missing one: forget it. */
  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const tokens = bucket.tokens + (Math.max(0, now - bucket.updatedAt) / 1000) * this.limit.ratePerSecond;
      if (tokens >= this.limit.burst) this.buckets.delete(key);
    }
  }
}
