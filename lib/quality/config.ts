import type { MetricName } from "../aggregates/reading";

/**
 * Thresholds and penalties of every check. docs/data-quality.md explains each
 * one to owners; change both together. A project may pass per-model overrides
 * (e.g. a slower maxSpeedKmh for a bike tracker) via `qualityConfig`.
 */

export interface Penalty {
  /** Points per finding. */
  penalty: number;
  /** Most points this check can take off in one window. */
  cap: number;
}

export interface FrozenRule {
  /** A run must span at least this many readings … */
  minReadings: number;
  /** … and this long (device clock). */
  minDurationMs: number;
  /** Values a working sensor can legitimately hold (darkness, saturation). */
  ignoreValues: readonly number[];
}

export interface JumpRule {
  /** A change of at least this much (physical unit) … */
  maxChange: number;
  /** … between readings at most this far apart is implausible. */
  withinMs: number;
}

export interface QualityConfig {
  speed: Penalty & { maxSpeedKmh: number; assumedAccuracyMeters: number };
  frozen: Penalty & { rules: Partial<Record<MetricName, FrozenRule>> };
  jump: Penalty & { rules: Partial<Record<MetricName, JumpRule>> };
  clock: Penalty & {
    /** A reading stamped later than its arrival by more than this: the clock runs ahead. */
    aheadToleranceMs: number;
    /** Freshest reading of each upload older than this (median): the clock runs behind. */
    behindToleranceMs: number;
    /** Offset change faster than this per hour: the clock drifts. */
    maxDriftMsPerHour: number;
    /** Drift needs this many uploads spread over at least minSpanMs. */
    minUploads: number;
    minSpanMs: number;
  };
  burst: Penalty & { maxReadings: number; windowMs: number };
  gap: Penalty & { maxGapMs: number };
  shared: Penalty & { withinMeters: number; withinMs: number; minCoincidentMinutes: number };
}

const MINUTE = 60_000;

export const DEFAULT_QUALITY_CONFIG: QualityConfig = {
  speed: { penalty: 15, cap: 45, maxSpeedKmh: 300, assumedAccuracyMeters: 10 },
  frozen: {
    penalty: 10,
    cap: 30,
    rules: {
      temperature: { minReadings: 20, minDurationMs: 30 * MINUTE, ignoreValues: [] },
      humidity: { minReadings: 20, minDurationMs: 30 * MINUTE, ignoreValues: [0, 100] },
      pressure: { minReadings: 20, minDurationMs: 30 * MINUTE, ignoreValues: [] },
      // Low-cost PM sensors report whole µg/m³ and clean air is steady: only long runs count.
      pm25: { minReadings: 20, minDurationMs: 120 * MINUTE, ignoreValues: [0] },
      pm10: { minReadings: 20, minDurationMs: 120 * MINUTE, ignoreValues: [0] },
      light: { minReadings: 20, minDurationMs: 60 * MINUTE, ignoreValues: [0, 200_000] },
    },
  },
  jump: {
    penalty: 5,
    cap: 20,
    rules: {
      temperature: { maxChange: 20, withinMs: MINUTE },
      humidity: { maxChange: 50, withinMs: MINUTE },
      pressure: { maxChange: 50, withinMs: MINUTE },
    },
  },
  clock: {
    penalty: 10,
    cap: 20,
    aheadToleranceMs: 2_000,
    behindToleranceMs: MINUTE,
    maxDriftMsPerHour: 10_000,
    minUploads: 6,
    minSpanMs: 20 * MINUTE,
  },
  burst: { penalty: 5, cap: 15, maxReadings: 20, windowMs: 10_000 },
  gap: { penalty: 5, cap: 20, maxGapMs: 15 * MINUTE },
  shared: { penalty: 25, cap: 50, withinMeters: 5, withinMs: 10_000, minCoincidentMinutes: 5 },
};

type Overrides = { [K in keyof QualityConfig]?: Partial<QualityConfig[K]> };

/** The defaults with some values replaced, e.g. `qualityConfig({ speed: { maxSpeedKmh: 60 } })`. */
export function qualityConfig(overrides: Overrides = {}): QualityConfig {
  const merged = { ...DEFAULT_QUALITY_CONFIG };
  for (const key of Object.keys(overrides) as (keyof QualityConfig)[]) {
    Object.assign(merged, { [key]: { ...DEFAULT_QUALITY_CONFIG[key], ...overrides[key] } });
  }
  return merged;
}
