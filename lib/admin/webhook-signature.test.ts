import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffSeconds, signWebhook, verifyWebhook } from "./webhook-signature";

describe("webhook signatures", () => {
  it("verify what was signed, and nothing altered", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), fc.string({ minLength: 1 }), (secret, body, extra) => {
        const header = signWebhook(secret, body, 1_000_000);
        expect(verifyWebhook(secret, body, header, 1_000_100)).toBe(true);
        expect(verifyWebhook(secret, body + extra, header, 1_000_100)).toBe(false);
        expect(verifyWebhook(secret + extra, body, header, 1_000_100)).toBe(false);
      }),
    );
  });

  it("refuses a replay outside the tolerance", () => {
    const header = signWebhook("s", "{}", 1_000_000);
    expect(verifyWebhook("s", "{}", header, 1_000_301)).toBe(false);
  });

  it("backs off exponentially up to an hour", () => {
    expect([1, 2, 3, 4, 10, 20].map(backoffSeconds)).toEqual([30, 60, 120, 240, 3600, 3600]);
  });
});
