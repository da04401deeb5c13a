import { DAYS_PER_MONTH } from "./feed-pricing";

/** After a feed's last day ends, the attester has this long to attest it before the order expires. */
export const ATTESTATION_WINDOW_SECONDS = 24 * 60 * 60;
const DAY_SECONDS = 24 * 60 * 60;

export interface OrderTerms {
  pricePerUnit: bigint;
  totalUnits: bigint;
  /** Unix seconds. */
  expiresAt: bigint;
  total: bigint;
}

/**
 * On-chain terms of a feed order for `days` days: billed per day at the
 * monthly price / 30 (rounded up, so the seller never gets less than listed),
 * expiring one attestation window after the last day.
 */
export function feedOrderTerms(pricePerMonth: bigint, days: number, nowSeconds: bigint): OrderTerms {
  if (!Number.isInteger(days) || days < 1) throw new RangeError("days must be a whole number ≥ 1");
  const pricePerUnit = (pricePerMonth + DAYS_PER_MONTH - 1n) / DAYS_PER_MONTH;
  const totalUnits = BigInt(days);
  return { pricePerUnit, totalUnits, expiresAt: nowSeconds + totalUnits * BigInt(DAY_SECONDS) + BigInt(ATTESTATION_WINDOW_SECONDS), total: pricePerUnit * totalUnits };
}

/** Service orders: `units` units at the listed price per unit, for at most `days` days. */
export function serviceOrderTerms(pricePerUnit: bigint, units: number, days: number, nowSeconds: bigint): OrderTerms {
  if (!Number.isInteger(units) || units < 1) throw new RangeError("units must be a whole number ≥ 1");
  const totalUnits = BigInt(units);
  return { pricePerUnit, totalUnits, expiresAt: nowSeconds + BigInt(days * DAY_SECONDS) + BigInt(ATTESTATION_WINDOW_SECONDS), total: pricePerUnit * totalUnits };
}
