import type { z } from "zod";
import { readBodyWithin } from "./body";
import { DomainError } from "./errors";
import { errorResponse } from "./respond";

/**
 * Wraps a route handler so every thrown error becomes a JSON error response
 * (see errorResponse). The wrapped function keeps the handler's signature,
 * so Next's typed route context still applies.
 */
export function handle<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/**
 * JSON bodies of the session routes are a few hundred bytes; the cap keeps a
 * hostile client from making the server buffer and parse megabytes. Routes
 * that take more pass their own limit.
 */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body and validates it: over `maxBytes` is a 413, malformed
 * JSON a 400 `invalid_json`, schema errors a 400 with field issues.
 */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  { maxBytes = MAX_JSON_BODY_BYTES }: { maxBytes?: number } = {},
): Promise<z.output<Schema>> {
  const body = await readBodyWithin(request, maxBytes);
  if (body === null) {
    throw new DomainError("payload_too_large", `The request body must be at most ${maxBytes} bytes.`, 413);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw new DomainError("invalid_json", "The request body must be valid JSON.", 400);
  }
  return schema.parse(raw);
}
