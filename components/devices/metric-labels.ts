import type { MetricName } from "@/lib/aggregates/reading";

/** What an owner calls each metric (units come from lib/aggregates METRICS). */
export const METRIC_LABELS: Record<MetricName, string> = {
  temperature: "Temperature",
  humidity: "Relative humidity",
  pm25: "PM2.5",
  pm10: "PM10",
  light: "Illuminance",
  pressure: "Air pressure",
  speed: "Ground speed",
  heading: "Heading",
  battery: "Battery",
};

export const WINDOW_LABELS = { "1h": "last hour", "24h": "last 24 hours", "7d": "last 7 days" } as const;

export function formatTime(iso: string, withDate: boolean): string {
  return new Date(iso).toLocaleString("en", {
    ...(withDate ? { month: "short", day: "numeric" } : {}),
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "UTC",
  });
}
