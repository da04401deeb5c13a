import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csrfVerdict, type CsrfRequest } from "./csrf";

const APP_URL = "https://hub.example.org";

function request(method: string, pathname: string, headers: Record<string, string> = {}): CsrfRequest {
  return { method, pathname, headers: new Headers(headers) };
}

const label = fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), { minLength: 1, maxLength: 12 }).map((c) => c.join(""));
// Hosts around ours: subdomains, suffixes, other ports and schemes.
const foreignOrigin = fc
  .tuple(fc.constantFrom("http", "https"), fc.array(label, { minLength: 0, maxLength: 2 }), fc.constantFrom("hub.example.org", "example.org", "hub.example.org.evil.test", "evil.test"), fc.option(fc.integer({ min: 1, max: 65535 })))
  .map(([scheme, subdomains, host, port]) => new URL(`${scheme}://${[...subdomains, host].join(".")}${port === null ? "" : `:${port}`}`).origin);

const unsafeMethod = fc.constantFrom("POST", "PUT", "PATCH", "DELETE", "post");

describe("csrfVerdict", () => {
  it("lets safe methods through whatever their origin", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(csrfVerdict(request(method, "/api/devices/pairings", { "sec-fetch-site": "cross-site", origin: "https://evil.test" }), APP_URL)).toEqual({ ok: true });
    }
  });

  it("refuses same-site and cross-site browser mutations, accepts same-origin and user-initiated ones", () => {
    fc.assert(
      fc.property(unsafeMethod, (method) => {
        const path = "/api/devices/pairings";
        expect(csrfVerdict(request(method, path, { "sec-fetch-site": "cross-site" }), APP_URL)).toEqual({ ok: false, reason: "cross_site_fetch" });
        expect(csrfVerdict(request(method, path, { "sec-fetch-site": "same-site" }), APP_URL)).toEqual({ ok: false, reason: "cross_site_fetch" });
        expect(csrfVerdict(request(method, path, { "sec-fetch-site": "same-origin" }), APP_URL).ok).toBe(true);
        expect(csrfVerdict(request(method, path, { "sec-fetch-site": "none" }), APP_URL).ok).toBe(true);
      }),
    );
  });

  it("without fetch metadata, accepts only the app's own origin or the request's host", () => {
    const path = "/api/auth/logout";
    expect(csrfVerdict(request("POST", path, { origin: APP_URL }), APP_URL).ok).toBe(true);
    expect(csrfVerdict(request("POST", path, { origin: "http://localhost:3000", host: "localhost:3000" }), APP_URL).ok).toBe(true);
    expect(csrfVerdict(request("POST", path, { origin: "null" }), APP_URL)).toEqual({ ok: false, reason: "foreign_origin" });
    expect(csrfVerdict(request("POST", path, { origin: "https://hub.example.org.evil.test" }), APP_URL).ok).toBe(false);
    expect(csrfVerdict(request("POST", path, { origin: "https://sub.hub.example.org" }), APP_URL).ok).toBe(false);
  });

  it("refuses every foreign origin (property)", () => {
    fc.assert(
      fc.property(unsafeMethod, foreignOrigin, (method, origin) => {
        fc.pre(origin !== new URL(APP_URL).origin && origin !== "http://hub.example.org");
        expect(csrfVerdict(request(method, "/api/x", { origin, host: "hub.example.org" }), APP_URL).ok).toBe(false);
      }),
    );
  });

  it("lets non-browser clients (no Origin, no fetch metadata) through", () => {
    expect(csrfVerdict(request("POST", "/api/auth/verify"), APP_URL).ok).toBe(true);
  });

  it("exempts device and API-key routes unless a browser sends cookies to them", () => {
    const crossSite = { "sec-fetch-site": "cross-site", origin: "https://evil.test" };
    expect(csrfVerdict(request("POST", "/api/v1/telemetry", crossSite), APP_URL).ok).toBe(true);
    expect(csrfVerdict(request("POST", "/api/v1/devices/0xab/pairing", crossSite), APP_URL).ok).toBe(true);
    expect(csrfVerdict(request("POST", "/api/v1/telemetry", { ...crossSite, cookie: "depinhub_session=x" }), APP_URL).ok).toBe(false);
    // The prefix is a path segment, not a string prefix.
    expect(csrfVerdict(request("POST", "/api/v1x/anything", crossSite), APP_URL).ok).toBe(false);
  });
});
