/** Resolves like `work`, or rejects after `ms` so one stuck dependency can't hang the health check. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A short, single-line reason that is safe to show publicly (no URLs with credentials, no stacks). */
export function describeFailure(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const firstLine = raw.split("\n")[0] ?? raw;
  // Connection strings and keyed RPC URLs must not leak through /api/health.
  const redacted = firstLine.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s"']+/gi, "<url>");
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}
