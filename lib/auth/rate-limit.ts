import "server-only";
import { db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { RateLimitedError } from "@/lib/http/errors";
import { SharedTokenBuckets, type RateLimiter } from "@/lib/http/shared-rate-limit";

/**
 * Sign-in endpoints write a row per call (nonces, sessions), so each client
 * address gets a small budget: a burst of 20, then one call every 2 s. Shared
 * by all app instances through PostgreSQL: one more small write per call.
 */
const signInBuckets = new SharedTokenBuckets("sign-in", { ratePerSecond: 0.5, burst: 20 }, db);

export async function assertSignInAllowed(request: Request, buckets: RateLimiter = signInBuckets): Promise<void> {
  const result = await buckets.take(clientAddress(request));
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000), "Too many sign-in attempts. Wait a moment and try again.");
}
