import { describe, expect, it } from "vitest";
import { TokenBuckets } from "./rate-limit";

describe("TokenBuckets", () => {
  it("allows the burst, then the sustained rate, per key", () => {
    let now = 0;
    const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3].map(() => buckets.take("a").ok)).toEqual([true, true, true]);
    expect(buckets.take("a")).toEqual({ ok: false, retryAfterMs: 500 });
    expect(buckets.take("b").ok).toBe(true);
    now = 500;
    expect(buckets.take("a").ok).toBe(true);
    expect(buckets.take("a").ok).toBe(false);
    now = 100_000;
    expect(buckets.take("a", 3).ok).toBe(true);
    expect(buckets.take("a", 1).ok).toBe(false);
  });
});
