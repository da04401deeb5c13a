import { describe, expect, it } from "vitest";
import { errorResponse } from "@/lib/http/respond";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { assertSignInAllowed } from "./rate-limit";

const from = (ip: string) => new Request("http://localhost/api/auth/nonce", { headers: { "x-forwarded-for": ip } });

describe("assertSignInAllowed", () => {
  it("allows the burst, then refuses with a 429 and Retry-After, per client address", async () => {
    const now = 1_000_000;
    const buckets = new TokenBuckets({ ratePerSecond: 0.5, burst: 3 }, () => now);
    for (let i = 0; i < 3; i += 1) await assertSignInAllowed(from("10.0.0.1"), buckets);

    let thrown: unknown;
    try {
      await assertSignInAllowed(from("10.0.0.1"), buckets);
    } catch (error) {
      thrown = error;
    }
    const response = errorResponse(thrown);
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("2");

    // Another client is unaffected.
    await expect(assertSignInAllowed(from("10.0.0.2"), buckets)).resolves.toBeUndefined();
  });
});
