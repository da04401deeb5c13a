import { NextResponse, type NextRequest } from "next/server";
import { serverEnv } from "@/lib/config/env";
import { browserRpcUrl } from "@/lib/config/public";
import { newNonce, pageSecurityHeaders } from "@/lib/http/security-headers";

/**
 * Per-request security headers for pages: a CSP with a fresh script nonce
 * (Next.js reads it from the request's CSP header and stamps its scripts)
 * and the runtime RPC origin. Static headers live in next.config.ts.
 */
export function proxy(request: NextRequest) {
  const env = serverEnv();
  const nonce = newNonce();
  const headers = pageSecurityHeaders({
    nonce,
    rpcUrl: browserRpcUrl(env),
    walletConnect: Boolean(env.WALLETCONNECT_PROJECT_ID),
    development: env.NODE_ENV === "development",
    https: new URL(env.APP_URL).protocol === "https:",
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
    {
      // API routes get a static lock-down policy from next.config.ts; static assets need none.
      source: "/((?!api/|_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
