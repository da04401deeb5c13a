/**
 * Cross-site request forgery guard for cookie-authenticated mutations.
 *
 * The session cookie is SameSite=Lax, which stops cross-site POSTs but not
 * same-site ones (a sibling subdomain, an http page on the same host). So
 * every state-changing request to the API that a browser could send with the
 * cookie must come from our own origin. The rule follows Go's
 * CrossOriginProtection and Fetch Metadata guidance:
 *   1. safe methods (GET, HEAD, OPTIONS) pass: they never mutate;
 *   2. Sec-Fetch-Site: same-origin or none (typed URL, bookmark) passes,
 *      any other value (same-site, cross-site) is refused;
 *   3. without Sec-Fetch-Site (older browsers), an Origin header must name
 *      the app's origin (APP_URL) or the request's own Host;
 *   4. neither header: not a browser (curl, a device, a server), so no
 *      ambient cookie was attached by a victim's browser: pass.
 * Device and API-key routes (CSRF_EXEMPT_PREFIXES) are not cookie-
 * authenticated and are called from anywhere; they are checked only when a
 * request to them carries cookies, i.e. when a browser sends it.
 */

export const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** Paths whose callers authenticate with a device signature or a bearer key, never with the session cookie. */
export const CSRF_EXEMPT_PREFIXES: readonly string[] = ["/api/v1/"];

export interface CsrfRequest {
  method: string;
  pathname: string;
  headers: Pick<Headers, "get">;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: "cross_site_fetch" | "foreign_origin" };

function isExempt(request: CsrfRequest): boolean {
  if (!CSRF_EXEMPT_PREFIXES.some((prefix) => request.pathname.startsWith(prefix))) return false;
  // A browser attaches cookies; devices and API clients do not.
  return !request.headers.get("cookie");
}

function hostOrigins(request: CsrfRequest, appUrl: string): Set<string> {
  const allowed = new Set<string>([new URL(appUrl).origin]);
  const host = request.headers.get("host");
  if (host) {
    // Behind a TLS-terminating proxy Host is the public one but the scheme is not known here: accept both.
    allowed.add(`http://${host}`);
    allowed.add(`https://${host}`);
  }
  return allowed;
}

export function csrfVerdict(request: CsrfRequest, appUrl: string): CsrfVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  if (isExempt(request)) return { ok: true };

  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite) {
    return fetchSite === "same-origin" || fetchSite === "none" ? { ok: true } : { ok: false, reason: "cross_site_fetch" };
  }
  const origin = request.headers.get("origin");
  if (origin === null) return { ok: true };
  // "null" (sandboxed frames, file:, some redirects) is never our origin.
  return hostOrigins(request, appUrl).has(origin) ? { ok: true } : { ok: false, reason: "foreign_origin" };
}

/** The JSON 403 the proxy answers with; the same shape as every API error (lib/http/respond). */
export function csrfRejection(): Response {
  return Response.json(
    { error: { code: "cross_origin_request", message: "This request must come from the DePIN Hub site itself." } },
    { status: 403, headers: { "Cache-Control": "no-store" } },
  );
}
