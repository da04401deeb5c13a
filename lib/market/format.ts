/** dUSD has 6 decimals. */
export const STABLECOIN_DECIMALS = 6;

/** A token amount in smallest units as "12.50 dUSD" (two decimals unless more are needed). */
export function formatAmount(amount: string | bigint, symbol = "dUSD", decimals = STABLECOIN_DECIMALS): string {
  const value = typeof amount === "bigint" ? amount : BigInt(amount);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "").padEnd(2, "0");
  return `${negative ? "-" : ""}${whole.toLocaleString("en")}.${fraction} ${symbol}`;
}
