import { haversineMeters } from "./geo";
import type { Fix } from "./reading";

export interface TrackOptions {
  /** Fastest plausible ground speed for the device model, km/h. */
  maxSpeedKmh: number;
  /** Accuracy (1σ, m) assumed for a fix that does not report one. */
  assumedAccuracyMeters: number;
}

export const DEFAULT_TRACK_OPTIONS: TrackOptions = { maxSpeedKmh: 300, assumedAccuracyMeters: 10 };

/** A move between two fixes. */
export interface Move {
  from: Fix;
  to: Fix;
  meters: number;
  /** Device-clock time between the fixes, ms (≥ 0). */
  elapsedMs: number;
}

export interface Teleport extends Move {
  /** Speed the move implies, km/h (raw distance over time, as an owner would compute it). */
  speedKmh: number;
}

export interface TrackAnalysis {
  /** Plausible moves between consecutive trusted fixes: the travelled path. */
  legs: Move[];
  /** Moves faster than the limit; their target fix is not trusted. */
  teleports: Teleport[];
  /** Fixes reached only by a teleport (excluded from distance and coverage). */
  teleported: Set<Fix>;
}

// Two fixes closer than this in time count as this far apart, so millisecond
// neighbours with a few metres of jitter do not imply absurd speeds.
const MIN_ELAPSED_MS = 1_000;

function move(from: Fix, to: Fix): Move {
  return {
    from,
    to,
    meters: haversineMeters(from.lat, from.lon, to.lat, to.lon),
    elapsedMs: Math.max(0, to.reading.measuredAt - from.reading.measuredAt),
  };
}

function isPlausible(m: Move, options: TrackOptions): boolean {
  // GPS error can account for up to the two 1σ radii; only the rest must be travelled.
  const accuracy = (fix: Fix) => fix.accuracyMeters ?? options.assumedAccuracyMeters;
  const unexplained = Math.max(0, m.meters - accuracy(m.from) - accuracy(m.to));
  const seconds = Math.max(m.elapsedMs, MIN_ELAPSED_MS) / 1000;
  return (unexplained / seconds) * 3.6 <= options.maxSpeedKmh;
}

/**
 * Walks time-ordered fixes keeping a trusted anchor. A fix that is impossibly
 * far from the anchor is a teleport and is not trusted. If the next fix agrees
 * with the teleported one, the device really is (or claims to be) somewhere
 * else now: the track continues from there, and the jump counted once. If it
 * agrees with the anchor again, the teleported fix was a lone spike.
 */
export function analyseTrack(fixes: readonly Fix[], options: TrackOptions = DEFAULT_TRACK_OPTIONS): TrackAnalysis {
  const legs: Move[] = [];
  const teleports: Teleport[] = [];
  const teleported = new Set<Fix>();
  const [first, ...rest] = fixes;
  if (!first) return { legs, teleports, teleported };
  let anchor = first;
  let afterJump: Fix | null = null;
  for (const fix of rest) {
    const fromAnchor = move(anchor, fix);
    if (isPlausible(fromAnchor, options)) {
      legs.push(fromAnchor);
      anchor = fix;
      afterJump = null;
      continue;
    }
    const fromJump = afterJump ? move(afterJump, fix) : null;
    if (fromJump && isPlausible(fromJump, options)) {
      legs.push(fromJump);
      anchor = fix;
      afterJump = null;
      continue;
    }
    const seconds = Math.max(fromAnchor.elapsedMs, MIN_ELAPSED_MS) / 1000;
    teleports.push({ ...fromAnchor, speedKmh: (fromAnchor.meters / seconds) * 3.6 });
    teleported.add(fix);
    afterJump = fix;
  }
  return { legs, teleports, teleported };
}
