import { apiClient } from "./api/sign-in";
import { expect, test } from "./fixtures";

/**
 * CSRF guard (lib/http/csrf via proxy.ts) against the production server: a
 * signed-in browser session cannot be made to mutate anything from another
 * origin, while the app itself and devices keep working.
 */

// Anvil account 9 is used by no other spec.
const ACCOUNT = 9;

test("a cross-origin mutation with a valid session cookie is refused and changes nothing", async ({ baseURL }) => {
  const client = await apiClient(baseURL!, "203.0.113.50", ACCOUNT);
  try {
    const forged: Array<Record<string, string>> = [{ "sec-fetch-site": "cross-site" }, { "sec-fetch-site": "same-site" }, { origin: "https://evil.example" }, { origin: "null" }];
    for (const headers of forged) {
      const response = await client.post("/api/auth/logout", { headers });
      expect(response.status(), JSON.stringify(headers)).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("cross_origin_request");
    }
    const attempt = await client.post("/api/devices/pairings", { headers: { "sec-fetch-site": "cross-site" }, data: { device: `0x${"ab".repeat(20)}` } });
    expect(attempt.status()).toBe(403);
    // Still signed in: the forged logouts did not run.
    expect(((await (await client.get("/api/auth/session")).json()) as { address: string | null }).address).not.toBeNull();

    const sameOrigin = await client.post("/api/auth/logout", { headers: { "sec-fetch-site": "same-origin", origin: new URL(baseURL!).origin } });
    expect(sameOrigin.status()).toBe(204);
    expect(((await (await client.get("/api/auth/session")).json()) as { address: string | null }).address).toBeNull();
  } finally {
    await client.dispose();
  }
});

test("device routes accept cross-origin requests without cookies", async ({ baseURL }) => {
  const client = await apiClient(baseURL!, "203.0.113.51");
  try {
    const response = await client.post("/api/v1/telemetry", { headers: { origin: "https://elsewhere.example" }, data: { messages: [] } });
    expect(response.status()).not.toBe(403);
  } finally {
    await client.dispose();
  }
});

test("API responses forbid framing and sniffing", async ({ baseURL }) => {
  const client = await apiClient(baseURL!, "203.0.113.52");
  try {
    const headers = (await client.get("/api/health")).headers();
    expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
  } finally {
    await client.dispose();
  }
});
