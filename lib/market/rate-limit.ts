import "server-only";
import { RateLimitedError } from "../http/errors";
import { clientAddress } from "../http/client-address";
import { TokenBuckets } from "../http/rate-limit";

// Per process, like every limiter in lib/http/rate-limit.ts.
const writeBuckets = new TokenBuckets({ ratePerSecond: 0.2, burst: 10 });
const readBuckets = new TokenBuckets({ ratePerSecond: 5, burst: 60 });

/** Creating or changing listings and requests: per signed-in account. */
export function assertMarketWriteAllowed(account: string, buckets: TokenBuckets = writeBuckets): void {
  const result = buckets.take(account.toLowerCase());
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000));
}

/** Browsing and matching: per client address. */
export function assertMarketReadAllowed(request: Request, buckets: TokenBuckets = readBuckets): void {
  const result = buckets.take(clientAddress(request));
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000));
}
