import "server-only";
import { DomainError } from "../http/errors";
import { errorResponse } from "../http/respond";
import { REJECTION_CODES, type RejectionCode } from "./codes";
import { CLIENT_RATE_LIMIT, MAX_BODY_BYTES } from "./limits";
import { parseTelemetryBatch } from "./message";
import { IngestStorageError, ingestBatch, type IngestDeps } from "./pipeline";
import { clientAddress } from "../http/client-address";
import { TokenBuckets } from "../http/rate-limit";
import { readBodyWithin } from "../http/body";

export { readBodyWithin };

/**
 * POST /api/v1/telemetry (docs/device-protocol.md §7): whole-request checks
 * (client rate, size, envelope), then the batch pipeline. 200 whenever the
 * batch was processed, whatever its per-message results.
 */

export interface HttpIngestDeps {
  ingest: IngestDeps;
  /** Per client IP, charged one token per request. */
  clientLimiter: TokenBuckets;
}

export function createClientLimiter(): TokenBuckets {
  return new TokenBuckets({ ratePerSecond: CLIENT_RATE_LIMIT.requestsPerSecond, burst: CLIENT_RATE_LIMIT.burst });
}

const STORAGE_RETRY_AFTER_SECONDS = 5;

function requestError(code: RejectionCode, status: number, detail?: string, retryAfterSeconds?: number, cause?: unknown): Response {
  const reason = REJECTION_CODES[code].reason;
  // errorResponse logs 5xx errors, with the storage failure as cause.
  const response = errorResponse(new DomainError(code, detail ? `${reason} ${detail}` : reason, status, { cause }));
  if (retryAfterSeconds !== undefined) response.headers.set("Retry-After", String(retryAfterSeconds));
  return response;
}



function parseJson(body: Uint8Array): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body)) };
  } catch {
    return { ok: false };
  }
}

export async function handleTelemetryRequest(request: Request, deps: HttpIngestDeps): Promise<Response> {
  const allowed = deps.clientLimiter.take(clientAddress(request));
  if (!allowed.ok) return requestError("RATE_LIMITED", 429, "(client rate limit)", Math.max(1, Math.ceil(allowed.retryAfterMs / 1000)));

  const body = await readBodyWithin(request, MAX_BODY_BYTES);
  if (body === null) return requestError("PAYLOAD_TOO_LARGE", 413, `(more than ${MAX_BODY_BYTES} bytes)`);
  const json = parseJson(body);
  if (!json.ok) return requestError("SCHEMA", 400, "(the body is not UTF-8 JSON)");
  const batch = parseTelemetryBatch(json.value);
  if (!batch.ok) {
    const { code, reason } = batch.rejection;
    return errorResponse(new DomainError(code, reason, code === "BATCH_TOO_LARGE" ? 413 : 400));
  }

  try {
    const results = await ingestBatch(deps.ingest, { messages: batch.value, transport: "http" });
    // The HTTP results carry no sequence (§7.2); the request order identifies them.
    return Response.json({ results: results.map(({ sequence: _sequence, ...result }) => result) });
  } catch (error) {
    if (!(error instanceof IngestStorageError)) throw error;
    return requestError("INTERNAL_ERROR", 503, undefined, STORAGE_RETRY_AFTER_SECONDS, error);
  }
}
