import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/lib/config/env";
import { browserRpcUrl } from "@/lib/config/public";
import { csrfRejection, csrfVerdict } from "@/lib/http/csrf";
import { newNonce, pageSecurityHeaders, transportSecurityHeaders } from "@/lib/http/security-headers";

/**
 * Runs before every page and API route.
 * - API: refuses cross-origin mutations (lib/http/csrf) before any handler
 *   runs, so every route, present and future, is covered; adds HSTS. The
 *   static lock-down CSP for API responses lives in next.config.ts.
 * - Pages: a CSP with a fresh script nonce (Next.js reads it from the
 *   request's CSP header and stamps its scripts) and the runtime RPC origin.
 */
export function proxy(request: NextRequest) {
  const env = serverEnv();
  const transport = { development: env.NODE_ENV === "development", https: new URL(env.APP_URL).protocol === "https:" };

  if (request.nextUrl.pathname.startsWith("/api/")) {
    const verdict = csrfVerdict({ method: request.method, pathname: request.nextUrl.pathname, headers: request.headers }, env.APP_URL);
    const response = verdict.ok ? NextResponse.next() : csrfRejection();
    for (const [name, value] of Object.entries(transportSecurityHeaders(transport))) response.headers.set(name, value);
    return response;
  }

  const nonce = newNonce();
  const headers = pageSecurityHeaders({
    nonce,
    rpcUrl: browserRpcUrl(env),
    walletConnect: Boolean(env.WALLETCONNECT_PROJECT_ID),
    ...transport,
    mapStyleUrl: env.MAP_STYLE_URL,
  });

  const requestHeaders = new Headers(request.headers);
  // Next.js finds the nonce in the request's CSP and stamps its own scripts;
  // x-nonce is for ours (the theme boot script in app/layout.tsx).
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"] ?? "");
  requestHeaders.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: [
    // Every API request: CSRF guard and HSTS (prefetch or not).
    "/api/:path*",
    {
      // Pages; static assets need nothing.
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
