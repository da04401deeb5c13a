import { BaseError, fallback, http, HttpRequestError, SocketClosedError, TimeoutError, WaitForTransactionReceiptTimeoutError, type Transport } from "viem";

/** One RPC URL, or an ordered list of them (the first is preferred; the rest are fallbacks). */
export type RpcEndpoints = string | readonly string[];

export interface ChainTransportOptions {
  /** Per-request timeout of each endpoint (viem's default is 10 s). */
  timeoutMs?: number;
  /**
   * Rounds over the whole list after every endpoint failed, with exponential backoff
   * (150 ms, 300 ms, …). A round already moves on from a failing endpoint to the next.
   */
  retryCount?: number;
  /** JSON-RPC batching (one HTTP request for many calls), as the indexer uses it. */
  batchSize?: number;
}

/** The endpoints as a list, in order, without blanks or repeats. */
export function rpcEndpointList(endpoints: RpcEndpoints): string[] {
  const list = typeof endpoints === "string" ? [endpoints] : [...endpoints];
  return [...new Set(list.map((url) => url.trim()).filter((url) => url !== ""))];
}

/**
 * The transport every server-side chain client uses. One URL: viem's `http`
 * with retries. Several: viem's `fallback` over them with ranking OFF, so the
 * configured order is the preference order (a keyed provider first, a public
 * node last) and a request moves to the next URL as soon as one fails (refused,
 * timed out, 5xx, rate-limited); reverts and other node answers are final and
 * never retried elsewhere. Ranking would ping every endpoint in the background
 * and reorder them by latency, spending the paid endpoint's quota on probes.
 */
export function chainTransport(endpoints: RpcEndpoints, options: ChainTransportOptions = {}): Transport {
  const urls = rpcEndpointList(endpoints);
  if (urls.length === 0) throw new Error("chainTransport: no RPC URL given");
  const { timeoutMs, retryCount = 3, batchSize } = options;
  const one = (url: string) => http(url, { timeout: timeoutMs, batch: batchSize ? { batchSize } : undefined });
  if (urls.length === 1) return http(urls[0], { timeout: timeoutMs, retryCount, batch: batchSize ? { batchSize } : undefined });
  return fallback(urls.map(one), { rank: false, retryCount });
}

/** Scheme and host only: provider URLs often carry an API key in the path or query, which must not reach logs. */
export function redactRpcUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "(invalid URL)";
  }
}

/**
 * True when the error says no node could be reached or none answered in time (refused,
 * reset, timed out, HTTP 5xx/429), as opposed to an answer (a revert, a bad nonce). Such a
 * failure says nothing about the work itself: retry it later without counting it as an attempt.
 */
export function isRpcUnavailable(error: unknown): boolean {
  return (
    error instanceof BaseError &&
    error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof SocketClosedError || e instanceof WaitForTransactionReceiptTimeoutError) !== null
  );
}
