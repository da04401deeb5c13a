import { MAX_BATCH_MESSAGES, MAX_BODY_BYTES } from "../ingest/limits";
import type { DeviceAgent, OutboxEntry, Tally, WireResult } from "./outbox";

/**
 * Sends HTTP devices' outboxes as `POST /api/v1/telemetry` batches
 * (docs/device-protocol.md §7), as a gateway would: messages of many devices
 * in one request, at most 500 messages and 256 KiB each, every device in at
 * most one request at a time so its messages arrive in sequence order.
 */

const ENVELOPE_BYTES = '{"messages":[]}'.length;
const REQUEST_TIMEOUT_MS = 30_000;

interface Slice {
  agent: DeviceAgent;
  entries: OutboxEntry[];
  /** Index of the agent's first entry in the batch. */
  offset: number;
}

export interface HttpSenderOptions {
  url: string;
  tally: Tally;
  log: (line: string) => void;
  fetchImpl?: typeof fetch;
  /** Requests in flight at once. */
  concurrency?: number;
}

export class HttpSender {
  private inFlight = 0;
  /** Set by a request-level 429/503 Retry-After: the whole client waits. */
  private pausedUntil = 0;
  private readonly endpoint: string;
  private readonly pending = new Set<Promise<void>>();
  /** The last request failure logged; repeats stay quiet until a request succeeds (the app may be restarting). */
  private lastFailure: string | null = null;

  constructor(private readonly options: HttpSenderOptions) {
    this.endpoint = new URL("/api/v1/telemetry", options.url).toString();
  }

  /** Packs ready agents into batches and sends them (without waiting for the answers). */
  dispatch(agents: readonly DeviceAgent[], nowMs: number): void {
    if (nowMs < this.pausedUntil) return;
    const concurrency = this.options.concurrency ?? 4;
    let batch: Slice[] = [];
    let count = 0;
    let bytes = ENVELOPE_BYTES;
    const flush = () => {
      if (batch.length > 0) this.track(this.send(batch));
      batch = [];
      count = 0;
      bytes = ENVELOPE_BYTES;
    };
    const size = (entries: OutboxEntry[]) => entries.reduce((sum, e) => sum + e.json.length + 1, 0);
    for (const agent of agents) {
      if (this.inFlight >= concurrency) break;
      if (!agent.ready(nowMs)) continue;
      if (count >= MAX_BATCH_MESSAGES) flush();
      let entries = agent.take(MAX_BATCH_MESSAGES - count, MAX_BODY_BYTES - bytes);
      if (batch.length > 0 && (entries.length === 0 || bytes + size(entries) > MAX_BODY_BYTES)) {
        // Does not fit: send what we have and start a new batch with this device.
        flush();
        if (this.inFlight >= concurrency) {
          agent.inFlight = 0;
          break;
        }
        entries = agent.take(MAX_BATCH_MESSAGES, MAX_BODY_BYTES - ENVELOPE_BYTES);
      }
      batch.push({ agent, entries, offset: count });
      count += entries.length;
      bytes += size(entries);
    }
    flush();
  }

  /** Resolves when every request in flight has settled. */
  async drain(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private logFailure(line: string): void {
    if (line === this.lastFailure) return;
    this.lastFailure = line;
    this.options.log(line);
  }

  private track(promise: Promise<void>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private async send(batch: Slice[]): Promise<void> {
    this.inFlight++;
    const { tally, log } = this.options;
    const fetchImpl = this.options.fetchImpl ?? fetch;
    const messages = batch.flatMap((slice) => slice.entries.map((entry) => entry.json));
    tally.sent += messages.length;
    const body = `{"messages":[${messages.join(",")}]}`;
    try {
      const response = await fetchImpl(this.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const now = Date.now();
      if (response.status !== 200) {
        const retryAfterMs = retryAfter(response.headers.get("retry-after"));
        if (retryAfterMs !== undefined) this.pausedUntil = now + retryAfterMs;
        this.logFailure(`POST ${this.endpoint}: HTTP ${response.status} ${(await response.text()).slice(0, 200)}`);
        for (const slice of batch) slice.agent.unsettled(now, tally, retryAfterMs);
        return;
      }
      const { results } = (await response.json()) as { results: WireResult[] };
      this.lastFailure = null;
      const byIndex = new Map(results.map((r) => [r.index, r]));
      for (const slice of batch) {
        const own = slice.entries.map((_, i) => byIndex.get(slice.offset + i) ?? { index: slice.offset + i, status: "rejected" as const, code: "INTERNAL_ERROR", reason: "no result for this message" });
        for (const line of slice.agent.settle(own, now, tally)) log(line);
      }
    } catch (error) {
      const now = Date.now();
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : "";
      this.logFailure(`POST ${this.endpoint} failed: ${error instanceof Error ? error.message : String(error)}${cause}; retrying with back-off`);
      for (const slice of batch) slice.agent.unsettled(now, tally);
    } finally {
      this.inFlight--;
    }
  }
}

function retryAfter(header: string | null): number | undefined {
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
