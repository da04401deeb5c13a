/** Feed prices are per 30-day month. */
export const DAYS_PER_MONTH = 30n;

/** What `durationDays` of a feed priced `pricePerMonth` costs (rounded up to the token's smallest unit). */
export function feedCost(pricePerMonth: bigint, durationDays: number): bigint {
  return ((pricePerMonth + DAYS_PER_MONTH - 1n) / DAYS_PER_MONTH) * BigInt(durationDays);
}
