/**
 * Typed failures that domain code throws and route handlers translate to HTTP.
 * `code` is stable and machine-readable (clients and tests match on it);
 * `message` is for humans and may change.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No valid session: the caller must sign in first. */
export class UnauthorizedError extends DomainError {
  constructor(message = "Sign in with your wallet to continue.", code = "unauthorized") {
    super(code, message, 401);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You are not allowed to do this.", code = "forbidden") {
    super(code, message, 403);
  }
}

export class NotFoundError extends DomainError {
  constructor(message = "Not found.", code = "not_found") {
    super(code, message, 404);
  }
}

/** A dependency (database, RPC) is unreachable; retrying later may help. */
export class ServiceUnavailableError extends DomainError {
  constructor(message: string, code = "service_unavailable", options?: { cause?: unknown }) {
    super(code, message, 503, options);
  }
}

/** Too many requests from one client; `retryAfterSeconds` goes into the Retry-After header. */
export class RateLimitedError extends DomainError {
  constructor(
    readonly retryAfterSeconds: number,
    message = "Too many requests. Wait a moment and try again.",
    code = "rate_limited",
  ) {
    super(code, message, 429);
  }
}
