import type { z } from "zod";
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

/** Reads a JSON body and validates it; malformed JSON is a 400, schema errors are 400 with field issues. */
export async function parseJsonBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
): Promise<z.output<Schema>> {
  let raw: unknown;
  try {
    raw = await request.json();
  } catch {
    throw new DomainError("invalid_json", "The request body must be valid JSON.", 400);
  }
  return schema.parse(raw);
}
