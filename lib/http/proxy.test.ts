import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

async function loadProxy(env: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return (await import("@/proxy")).proxy;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("proxy", { timeout: 30_000 }, () => {
  it("answers a cross-site API mutation with a typed JSON 403 before any handler runs", async () => {
    const proxy = await loadProxy({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    const response = proxy(
      new NextRequest("http://localhost:3000/api/auth/logout", { method: "POST", headers: { "sec-fetch-site": "cross-site" } }),
    );
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "cross_origin_request", message: expect.any(String) } });
  });

  it("passes same-origin API mutations and device telemetry on", async () => {
    const proxy = await loadProxy({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    const sameOrigin = proxy(
      new NextRequest("http://localhost:3000/api/auth/logout", { method: "POST", headers: { "sec-fetch-site": "same-origin" } }),
    );
    expect(sameOrigin.headers.get("x-middleware-next")).toBe("1");
    const device = proxy(new NextRequest("http://localhost:3000/api/v1/telemetry", { method: "POST", headers: { origin: "https://elsewhere.test" } }));
    expect(device.headers.get("x-middleware-next")).toBe("1");
  });

  it("sends HSTS on API and page responses in production over https only", async () => {
    const https = await loadProxy({ APP_URL: "https://hub.example.org", NODE_ENV: "production" });
    expect(https(new NextRequest("https://hub.example.org/api/health")).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    expect(https(new NextRequest("https://hub.example.org/devices")).headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const http = await loadProxy({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    expect(http(new NextRequest("http://localhost:3000/api/health")).headers.get("strict-transport-security")).toBeNull();
  });

  it("forbids framing of pages", async () => {
    const proxy = await loadProxy({ APP_URL: "http://localhost:3000", NODE_ENV: "production" });
    expect(proxy(new NextRequest("http://localhost:3000/")).headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});
