/**
 * Content-Security-Policy and friends for HTML responses. Built per request
 * (in proxy.ts) because the RPC origin is runtime configuration and the
 * script nonce must be fresh for every page.
 */
export interface SecurityHeaderOptions {
  /** Per-request random value; Next.js adds it to its own scripts. */
  nonce: string;
  /** The RPC the browser reads the chain from. */
  rpcUrl: string;
  walletConnect: boolean;
  /** next dev needs eval for error overlays and source maps. */
  development: boolean;
  /** APP_URL is https: send HSTS and upgrade stray http subresources. */
  https: boolean;
  /**
   * MAP_STYLE_URL: the map fetches the style, tiles, glyphs and sprites from its
   * origin (one origin for OpenFreeMap, Mapbox and typical self-hosted servers).
   */
  mapStyleUrl?: string | undefined;
}

// WalletConnect's relay and verify service, only when a project id enables it.
const WALLETCONNECT_CONNECT = [
  "https://*.walletconnect.com",
  "https://*.walletconnect.org",
  "wss://*.walletconnect.com",
  "wss://*.walletconnect.org",
  "https://*.reown.com",
  "wss://*.reown.com",
];
const WALLETCONNECT_FRAME = ["https://verify.walletconnect.com", "https://verify.walletconnect.org"];

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): string {
  const rpcOrigin = originOf(options.rpcUrl);
  const mapOrigin = options.mapStyleUrl ? originOf(options.mapStyleUrl) : null;
  const connect = ["'self'", ...(rpcOrigin ? [rpcOrigin] : []), ...(mapOrigin ? [mapOrigin] : []), ...(options.walletConnect ? WALLETCONNECT_CONNECT : [])];
  const directives: Array<[string, string[]]> = [
    ["default-src", ["'self'"]],
    // 'wasm-unsafe-eval' lets WebAssembly compile (snarkjs verifies reward proofs in the browser on /proofs); it does not allow eval.
    ["script-src", ["'self'", `'nonce-${options.nonce}'`, "'strict-dynamic'", "'wasm-unsafe-eval'", ...(options.development ? ["'unsafe-eval'"] : [])]],
    // RainbowKit injects its theme as a <style> element and uses inline style attributes.
    ["style-src", ["'self'", "'unsafe-inline'"]],
    ["img-src", ["'self'", "data:", "blob:"]],
    ["font-src", ["'self'", "data:"]],
    ["connect-src", connect],
    ["worker-src", ["'self'", "blob:"]],
    ["frame-src", options.walletConnect ? WALLETCONNECT_FRAME : ["'none'"]],
    ["object-src", ["'none'"]],
    ["base-uri", ["'self'"]],
    ["form-action", ["'self'"]],
    ["frame-ancestors", ["'none'"]],
  ];
  const policy = directives.map(([name, values]) => `${name} ${values.join(" ")}`);
  if (options.https) policy.push("upgrade-insecure-requests");
  return policy.join("; ");
}

export function pageSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return { "Content-Security-Policy": contentSecurityPolicy(options), ...transportSecurityHeaders(options) };
}

/** HSTS for every response (pages and API) when the app is served over https in production. */
export function transportSecurityHeaders(options: Pick<SecurityHeaderOptions, "https" | "development">): Record<string, string> {
  // HSTS over plain http is ignored at best and locks out localhost at worst.
  return options.https && !options.development ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {};
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
