import type { NextConfig } from "next";

/**
 * Headers that never depend on runtime configuration. The page CSP (nonce,
 * RPC origin) and HSTS (APP_URL scheme) are set per request in proxy.ts.
 */
const staticSecurityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(self), microphone=(), geolocation=(self), payment=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin-allow-popups" },
];

const nextConfig: NextConfig = {
  reactStrictMode: true,
  // `npm test` typechecks the whole repo; repeating it in every `npm start`
  // build would double a first start's build time.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  serverExternalPackages: [
    // The database driver stack is loaded by Node as is rather than bundled.
    "pg",
    "@prisma/adapter-pg",
    "@prisma/client",
    // Base Account's Node entry pulls Coinbase's server SDK and its optional,
    // uninstalled x402 packages into the SSR bundle. The connector imports it
    // lazily and only in the browser, so Node never has to load it.
    "@base-org/account",
  ],
  async headers() {
    return [
      { source: "/:path*", headers: staticSecurityHeaders },
      {
        // JSON only: nothing on these responses may run or be framed.
        source: "/api/:path*",
        headers: [{ key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" }],
      },
    ];
  },
};

export default nextConfig;
