/**
 * Colour-blind-safe ramp (viridis, perceptually uniform and readable in grey)
 * for the metric layers, and the MapLibre expressions built from it. Client-safe.
 */
import type { ExpressionSpecification } from "maplibre-gl";
import { METRICS, type MetricKey } from "./viewport-params";

export const VIRIDIS = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"] as const;

/** Stop values evenly spread over the metric's domain. */
export function rampStops(metric: MetricKey): Array<[number, string]> {
  const [low, high] = METRICS[metric].domain;
  return VIRIDIS.map((colour, i) => [low + ((high - low) * i) / (VIRIDIS.length - 1), colour]);
}

/** fill-color for a feature property `value`, clamped to the domain by interpolate. */
export function rampExpression(metric: MetricKey): ExpressionSpecification {
  const stops = rampStops(metric).flatMap(([value, colour]) => [value, colour]);
  return ["interpolate", ["linear"], ["to-number", ["get", "value"], 0], ...stops] as unknown as ExpressionSpecification;
}

/** Device status colours: also distinguished by the legend's words, not by hue alone. */
export const STATUS_COLOURS = { online: "#1a9850", stale: "#fdae61", offline: "#8c8c8c" } as const;

export function formatValue(metric: MetricKey, value: number | null): string {
  if (value === null) return "–";
  const digits = metric === "density" ? 0 : metric === "light" ? 0 : 1;
  return `${value.toFixed(digits)} ${METRICS[metric].unit}`;
}

/**
 * The demand layer ("where data is wanted"): open requests per hexagon, on a
 * purple sequential scale (ColorBrewer Purples) apart from the metric ramp.
 */
export const WANTED_STOPS: ReadonlyArray<readonly [number, string]> = [
  [1, "#bcbddc"],
  [2, "#9e9ac8"],
  [4, "#756bb1"],
  [8, "#54278f"],
];

export const wantedExpression = ["step", ["to-number", ["get", "requests"], 0], WANTED_STOPS[0]![1], ...WANTED_STOPS.slice(1).flatMap(([count, colour]) => [count, colour])] as unknown as ExpressionSpecification;
