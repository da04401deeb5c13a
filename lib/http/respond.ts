import { ZodError } from "zod";
import { DomainError, RateLimitedError } from "./errors";

export type FieldIssue = { path: string; message: string };

/** The one JSON error shape every API route returns. */
export type ErrorBody = {
  error: { code: string; message: string; issues?: FieldIssue[] };
};

export function json<T>(body: T, init?: ResponseInit): Response {
  return Response.json(body, init);
}

function issuesOf(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
}

/**
 * Maps anything thrown by a handler to a JSON error response. Unknown errors
 * are logged server-side and answered with a generic 500 so stack traces and
 * internal details (SQL, RPC URLs with keys) never reach the client.
 */
export function errorResponse(error: unknown, log: (error: unknown) => void = defaultLog): Response {
  if (error instanceof ZodError) {
    const body: ErrorBody = {
      error: { code: "invalid_request", message: "The request is invalid.", issues: issuesOf(error) },
    };
    return json(body, { status: 400 });
  }
  if (error instanceof DomainError) {
    if (error.status >= 500) log(error);
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    const headers = error instanceof RateLimitedError ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
    return json(body, { status: error.status, headers });
  }
  log(error);
  const body: ErrorBody = { error: { code: "internal_error", message: "Something went wrong on our side." } };
  return json(body, { status: 500 });
}

function defaultLog(error: unknown): void {
  console.error("[api] request failed:", error);
}
