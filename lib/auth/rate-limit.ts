import "server-only";
import { clientAddress } from "@/lib/http/client-address";
import { RateLimitedError } from "@/lib/http/errors";
import { TokenBuckets } from "@/lib/http/rate-limit";

/**
 * Sign-in endpoints write a row per call (nonces, sessions), so each client
 * address gets a small budget: a burst of 20, then one call every 2 s.
 * Per app instance, like every in-memory limit here.
 */
const signInBuckets = new TokenBuckets({ ratePerSecond: 0.5, burst: 20 });

export function assertSignInAllowed(request: Request, buckets: TokenBuckets = signInBuckets): void {
  const result = buckets.take(clientAddress(request));
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000), "Too many sign-in attempts. Wait a moment and try again.");
}
