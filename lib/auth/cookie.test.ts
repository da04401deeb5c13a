import { describe, expect, it } from "vitest";
import { clearedCookieAttributes, sessionCookieAttributes, sessionCookieName } from "./cookie";
import { newSessionToken, sessionIdFromToken } from "./tokens";

describe("session cookie", () => {
  const expires = new Date("2026-12-01T00:00:00Z");

  it("is httpOnly, SameSite=Lax, Path=/ and not Secure on plain http", () => {
    expect(sessionCookieName("http://localhost:3000")).toBe("depinhub_session");
    expect(sessionCookieAttributes("http://localhost:3000", expires)).toEqual({
      httpOnly: true,
      sameSite: "lax",
      secure: false,
      path: "/",
      expires,
    });
  });

  it("is Secure with the __Host- prefix on https", () => {
    expect(sessionCookieName("https://hub.example.org")).toBe("__Host-depinhub_session");
    expect(sessionCookieAttributes("https://hub.example.org", expires).secure).toBe(true);
    expect(clearedCookieAttributes("https://hub.example.org")).toMatchObject({ maxAge: 0, secure: true });
  });
});

describe("session tokens", () => {
  it("are random and stored only as their sha256", () => {
    const a = newSessionToken();
    const b = newSessionToken();
    expect(a).not.toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(sessionIdFromToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionIdFromToken(a)).toBe(sessionIdFromToken(a));
  });
});
