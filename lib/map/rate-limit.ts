import "server-only";
import { clientAddress } from "@/lib/http/client-address";
import { RateLimitedError } from "@/lib/http/errors";
import { TokenBuckets } from "@/lib/http/rate-limit";

/** Per client IP, per app instance: panning fires a request per settled move, so the burst is generous. */
const mapLimiter = (globalThis as typeof globalThis & { __depinhubMapLimiter?: TokenBuckets }).__depinhubMapLimiter ??= new TokenBuckets({ ratePerSecond: 10, burst: 60 });

export function limitMapRequest(request: Request): void {
  const result = mapLimiter.take(clientAddress(request));
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000), "Too many map requests. Wait a moment and try again.");
}
