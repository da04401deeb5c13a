import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, pageSecurityHeaders } from "./security-headers";

const base = { nonce: "abc123", rpcUrl: "http://127.0.0.1:8545/", walletConnect: false, development: false, https: false };

function directive(policy: string, name: string): string | undefined {
  return policy.split("; ").find((d) => d.startsWith(`${name} `));
}

describe("contentSecurityPolicy", () => {
  it("allows scripts only from self and the request's nonce", () => {
    const policy = contentSecurityPolicy(base);
    expect(directive(policy, "script-src")).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'");
    // JavaScript eval stays off outside development; only WebAssembly compilation is allowed.
    expect(policy.replace("'wasm-unsafe-eval'", "")).not.toContain("unsafe-eval");
  });

  it("lets the browser reach the configured RPC origin and nothing else", () => {
    expect(directive(contentSecurityPolicy(base), "connect-src")).toBe("connect-src 'self' http://127.0.0.1:8545");
    expect(directive(contentSecurityPolicy({ ...base, rpcUrl: "https://babel-api.testnet.iotex.io/v1/key" }), "connect-src")).toBe(
      "connect-src 'self' https://babel-api.testnet.iotex.io",
    );
  });

  it("opens a hosted map style's origin only when MAP_STYLE_URL is set", () => {
    expect(directive(contentSecurityPolicy({ ...base, mapStyleUrl: "https://tiles.openfreemap.org/styles/liberty" }), "connect-src")).toBe(
      "connect-src 'self' http://127.0.0.1:8545 https://tiles.openfreemap.org",
    );
  });

  it("forbids framing", () => {
    expect(directive(contentSecurityPolicy(base), "frame-ancestors")).toBe("frame-ancestors 'none'");
  });

  it("opens WalletConnect's relay only when enabled", () => {
    expect(contentSecurityPolicy(base)).not.toContain("walletconnect");
    expect(directive(contentSecurityPolicy({ ...base, walletConnect: true }), "connect-src")).toContain("wss://*.walletconnect.com");
  });

  it("allows eval only in development", () => {
    expect(directive(contentSecurityPolicy({ ...base, development: true }), "script-src")).toContain("'unsafe-eval'");
  });
});

describe("pageSecurityHeaders", () => {
  it("sends HSTS only for https in production", () => {
    expect(pageSecurityHeaders(base)["Strict-Transport-Security"]).toBeUndefined();
    expect(pageSecurityHeaders({ ...base, https: true, development: true })["Strict-Transport-Security"]).toBeUndefined();
    expect(pageSecurityHeaders({ ...base, https: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
  });
});

describe("newNonce", () => {
  it("is fresh each time", () => {
    expect(newNonce()).not.toBe(newNonce());
    expect(newNonce()).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });
});
