import "server-only";
import type { Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { clientAddress } from "../http/client-address";
import { NotFoundError, RateLimitedError } from "../http/errors";
import { TokenBuckets } from "../http/rate-limit";

/**
 * Series and track reads scan telemetry, so each client address gets a
 * budget: a burst of 60 (a device page asks for two), then 5 per second.
 * Per app instance, like every in-memory limit here.
 */
const readBuckets = new TokenBuckets({ ratePerSecond: 5, burst: 60 });

export function assertTelemetryReadAllowed(request: Request, buckets: TokenBuckets = readBuckets): void {
  const result = buckets.take(clientAddress(request));
  if (!result.ok) throw new RateLimitedError(Math.ceil(result.retryAfterMs / 1000));
}

/** 404 for an address the chain index does not know, so a typo is not an empty chart. */
export async function requireKnownDevice(db: PrismaClient, device: Address): Promise<void> {
  const row = await db.device.findUnique({ where: { address: device.toLowerCase() }, select: { address: true } });
  if (!row) throw new NotFoundError("No registered device has this address.", "device_not_found");
}
