/**
 * Protocol defaults (docs/device-protocol.md §7–8). Transports enforce the
 * size and rate limits; verify.ts enforces the clock window.
 */

/** Messages per HTTP batch or MQTT payload. */
export const MAX_BATCH_MESSAGES = 500;
/** HTTP request body or MQTT payload, checked before JSON parsing. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface SkewWindow {
  /** How far a timestamp may be ahead of server time: device clocks drift. */
  futureMs: number;
  /** How old a message may be: bounds how long a device may buffer while offline. */
  pastMs: number;
}

export const DEFAULT_SKEW: SkewWindow = { futureMs: 5 * 60_000, pastMs: 24 * 60 * 60_000 };

/** Token bucket per device: sustained rate and burst (lets a device drain its offline buffer). */
export const DEVICE_RATE_LIMIT = { messagesPerSecond: 2, burst: 1_000 } as const;
/** Token bucket per client IP (HTTP) or connection (MQTT), on requests / PUBLISH packets. */
export const CLIENT_RATE_LIMIT = { requestsPerSecond: 20, burst: 100 } as const;
