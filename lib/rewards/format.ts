import { formatUnits } from "viem";

/** RewardToken (DemoToken "DHR") has 18 decimals. */
export const REWARD_TOKEN = { symbol: "DHR", decimals: 18 } as const;

/** A base-unit amount (decimal string) as tokens with at most `digits` fraction digits, rounded down. */
export function formatReward(amount: string | bigint, digits = 4): string {
  const [whole, fraction = ""] = formatUnits(BigInt(amount), REWARD_TOKEN.decimals).split(".");
  const shown = fraction.slice(0, digits).replace(/0+$/, "");
  const grouped = BigInt(whole!).toLocaleString("en");
  return `${shown ? `${grouped}.${shown}` : grouped} ${REWARD_TOKEN.symbol}`;
}

/** An epoch's window from its ISO times, in UTC: "2026-12-03 10:05 – 10:10" (the end's date is the start's, or the next day's). */
export function formatEpochWindow(windowStart: string, windowEnd: string): string {
  return `${windowStart.slice(0, 16).replace("T", " ")} – ${windowEnd.slice(11, 16)}`;
}
