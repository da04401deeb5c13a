import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { feedCost } from "./feed-pricing";
import { ATTESTATION_WINDOW_SECONDS, feedOrderTerms } from "./order-terms";

describe("feedOrderTerms", () => {
  it("bills per day at no less than the monthly price / 30 and leaves a window to attest the last day", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 15n }), fc.integer({ min: 1, max: 366 }), fc.bigInt({ min: 0n, max: 2n ** 40n }), (price, days, now) => {
        const terms = feedOrderTerms(price, days, now);
        expect(terms.pricePerUnit * 30n).toBeGreaterThanOrEqual(price);
        expect(terms.pricePerUnit * 30n - price).toBeLessThan(30n);
        expect(terms.total).toBe(terms.pricePerUnit * BigInt(days));
        expect(terms.total).toBe(feedCost(price, days));
        expect(terms.expiresAt).toBe(now + BigInt(days * 86_400 + ATTESTATION_WINDOW_SECONDS));
      }),
    );
  });

  it("refuses zero or fractional days", () => {
    expect(() => feedOrderTerms(30n, 0, 0n)).toThrow(RangeError);
    expect(() => feedOrderTerms(30n, 1.5, 0n)).toThrow(RangeError);
  });
});
