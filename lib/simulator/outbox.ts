import { isRetryable, REJECTION_CODES, type RejectionCode } from "../ingest/codes";
import type { SimDevice } from "./fleet";

/**
 * A device's outbox (docs/device-protocol.md §9.3): signed messages in sequence
 * order, oldest sent first; a retryable rejection keeps that message and
 * everything after it for a resend of the same bytes after a back-off.
 */

export interface OutboxEntry {
  sequence: bigint;
  /** Wire JSON, serialised once: a retry resends exactly these bytes. */
  json: string;
}

/** One per-message result as the HTTP response or MQTT results topic carries it. */
export interface WireResult {
  index: number;
  status: "accepted" | "duplicate" | "rejected";
  code?: string;
  reason?: string;
  sequence?: string;
}

export interface Tally {
  sent: number;
  accepted: number;
  duplicate: number;
  /** PUBACK without a result on the results topic (e.g. an external broker's worker answers later). */
  acknowledged: number;
  rejected: Map<string, number>;
  retries: number;
  dropped: number;
}

export function emptyTally(): Tally {
  return { sent: 0, accepted: 0, duplicate: 0, acknowledged: 0, rejected: new Map(), retries: 0, dropped: 0 };
}

const MIN_BACKOFF_MS = 1_000;
const MAX_BACKOFF_MS = 5 * 60_000;
// The protocol asks real devices for ≥ 10 min on UNKNOWN_DEVICE; the simulator
// has just registered its fleet and the indexer needs seconds to copy it, so
// it starts at 5 s and only then grows toward that bound.
const UNKNOWN_DEVICE_FIRST_MS = 5_000;
const UNKNOWN_DEVICE_MAX_MS = 10 * 60_000;

export class DeviceAgent {
  readonly outbox: OutboxEntry[] = [];
  /** Entries at the head of the outbox currently sent and awaiting results. */
  inFlight = 0;
  retryAt = 0;
  private backoffMs = 0;
  /** Reading times before this are already in the outbox (or were never taken). */
  cursorMs: number;
  private readonly loggedCodes = new Set<string>();

  constructor(
    readonly device: SimDevice,
    startMs: number,
    private readonly maxOutbox: number,
  ) {
    this.cursorMs = startMs;
  }

  enqueue(entries: OutboxEntry[], tally: Tally): void {
    this.outbox.push(...entries);
    // A device has finite flash: beyond its buffer the oldest unsent readings go (never in-flight ones).
    const excess = this.outbox.length - this.maxOutbox;
    if (excess > 0) {
      const removable = Math.min(excess, this.outbox.length - this.inFlight);
      this.outbox.splice(this.inFlight, removable);
      tally.dropped += removable;
    }
  }

  ready(nowMs: number): boolean {
    return this.inFlight === 0 && this.outbox.length > 0 && nowMs >= this.retryAt;
  }

  /** Marks up to `limit` head entries (and at most `maxBytes` of JSON) in flight and returns them. */
  take(limit: number, maxBytes: number): OutboxEntry[] {
    let bytes = 0;
    let count = 0;
    for (const entry of this.outbox) {
      if (count >= limit || (count > 0 && bytes + entry.json.length + 1 > maxBytes)) break;
      bytes += entry.json.length + 1;
      count++;
    }
    this.inFlight = count;
    return this.outbox.slice(0, count);
  }

  /**
   * Applies results for the in-flight entries (results[i] belongs to entry i;
   * undefined = acknowledged without a result). Returns log lines for codes
   * this device has not reported before.
   */
  settle(results: ReadonlyArray<WireResult | undefined>, nowMs: number, tally: Tally, retryAfterMs?: number): string[] {
    const lines: string[] = [];
    let done = 0;
    let retryCode: RejectionCode | null = null;
    for (const result of results.slice(0, this.inFlight)) {
      if (!result) tally.acknowledged++;
      else if (result.status === "accepted") tally.accepted++;
      else if (result.status === "duplicate") tally.duplicate++;
      else {
        const code = result.code ?? "UNKNOWN";
        // An unknown code is treated as final (§6.2).
        if (code in REJECTION_CODES && isRetryable(code as RejectionCode)) {
          retryCode = code as RejectionCode;
          break;
        }
        tally.rejected.set(code, (tally.rejected.get(code) ?? 0) + 1);
        if (!this.loggedCodes.has(code)) {
          this.loggedCodes.add(code);
          lines.push(`device #${this.device.index} ${this.device.address} (${this.device.kind}${this.device.fault ? `, ${this.device.fault.kind}` : ""}): ${code} — ${result.reason ?? ""} (further ${code} for this device only counted)`);
        }
      }
      done++;
    }
    this.outbox.splice(0, done);
    this.inFlight = 0;
    if (retryCode) {
      tally.rejected.set(retryCode, (tally.rejected.get(retryCode) ?? 0) + 1);
      tally.retries++;
      this.backOff(nowMs, retryCode, retryAfterMs);
    } else {
      this.backoffMs = 0;
    }
    return lines;
  }

  /** Nothing is known about the in-flight entries (network error, no PUBACK): keep them all and back off. */
  unsettled(nowMs: number, tally: Tally, retryAfterMs?: number): void {
    this.inFlight = 0;
    this.backOff(nowMs, "INTERNAL_ERROR", retryAfterMs);
    tally.retries++;
  }

  private backOff(nowMs: number, code: RejectionCode, retryAfterMs?: number): void {
    const [first, max] = code === "UNKNOWN_DEVICE" ? [UNKNOWN_DEVICE_FIRST_MS, UNKNOWN_DEVICE_MAX_MS] : [MIN_BACKOFF_MS, MAX_BACKOFF_MS];
    this.backoffMs = Math.min(max, this.backoffMs === 0 ? first : this.backoffMs * 2);
    // Full jitter on the upper half so a fleet does not retry in lock-step.
    const delay = retryAfterMs ?? this.backoffMs * (0.5 + Math.random() * 0.5);
    this.retryAt = nowMs + delay;
  }
}
