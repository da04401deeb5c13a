import { latLngToCell } from "h3-js";
import { METRICS, fixesOf, sortReadings, type DeviceReading, type MetricName } from "./reading";
import { analyseTrack, DEFAULT_TRACK_OPTIONS, type TrackOptions } from "./track";

/**
 * One device-hour summarised for uptime, coverage and reward computation.
 * Deterministic: the same readings in any order give a deep-equal result, and
 * sensor statistics are exact (summed as wire integers), so anyone can
 * recompute them bit for bit.
 */
export interface HourlyAggregate {
  device: string;
  hourStart: Date;
  messageCount: number;
  /** Distinct minutes of the hour (device clock) with at least one reading, 0…60. */
  onlineMinutes: number;
  /** H3 cells (resolution 7 / 8) of trusted fixes, sorted, unique. */
  cellsR7: string[];
  cellsR8: string[];
  /** Haversine length of the trusted track, metres (teleports skipped). */
  distanceMeters: number;
  /** Number of moves dropped from the distance as impossible. */
  teleportCount: number;
  /** Per metric present this hour, in METRICS order. Heading is excluded (an angle has no arithmetic mean). */
  sensors: Partial<Record<MetricName, SensorStats>>;
  firstAt: Date;
  lastAt: Date;
}

export interface SensorStats {
  min: number;
  mean: number;
  max: number;
  count: number;
}

export interface HourlyOptions extends TrackOptions {
  /** Fixes less accurate than this (1σ, m) do not claim coverage cells. */
  maxCellAccuracyMeters: number;
}

export const DEFAULT_HOURLY_OPTIONS: HourlyOptions = { ...DEFAULT_TRACK_OPTIONS, maxCellAccuracyMeters: 500 };

export const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const AVERAGED_METRICS = METRICS.filter((m) => m.name !== "heading");

/**
 * Aggregates one device's readings measured in [hourStart, hourStart + 1 h).
 * Throws on a contract violation (no readings, several devices, a reading
 * outside the hour, an hour not on a UTC hour boundary) rather than silently
 * producing a number that would feed rewards.
 */
export function aggregateHour(
  readings: readonly DeviceReading[],
  hourStart: Date,
  options: HourlyOptions = DEFAULT_HOURLY_OPTIONS,
): HourlyAggregate {
  const start = hourStart.getTime();
  if (!Number.isFinite(start) || start % HOUR_MS !== 0) throw new RangeError(`hourStart ${hourStart.toISOString()} is not a whole UTC hour`);
  const sorted = sortReadings(readings);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) throw new RangeError("aggregateHour needs at least one reading");
  for (const reading of sorted) {
    if (reading.device !== first.device) throw new RangeError(`readings of ${first.device} and ${reading.device} mixed in one aggregate`);
    if (reading.measuredAt < start || reading.measuredAt >= start + HOUR_MS) {
      throw new RangeError(`reading ${reading.sequence} of ${reading.device} was measured outside the hour ${hourStart.toISOString()}`);
    }
  }

  const fixes = fixesOf(sorted);
  const track = analyseTrack(fixes, options);
  const cellsR7 = new Set<string>();
  const cellsR8 = new Set<string>();
  for (const fix of fixes) {
    if (track.teleported.has(fix) || (fix.accuracyMeters ?? 0) > options.maxCellAccuracyMeters) continue;
    cellsR7.add(latLngToCell(fix.lat, fix.lon, 7));
    cellsR8.add(latLngToCell(fix.lat, fix.lon, 8));
  }
  // Sum in a fixed (time) order so the float result is reproducible.
  const distanceMeters = track.legs.reduce((sum, leg) => sum + leg.meters, 0);

  return {
    device: first.device,
    hourStart: new Date(start),
    messageCount: sorted.length,
    onlineMinutes: new Set(sorted.map((r) => Math.floor((r.measuredAt - start) / MINUTE_MS))).size,
    cellsR7: [...cellsR7].sort(),
    cellsR8: [...cellsR8].sort(),
    distanceMeters,
    teleportCount: track.teleports.length,
    sensors: sensorStats(sorted),
    firstAt: new Date(first.measuredAt),
    lastAt: new Date(last.measuredAt),
  };
}

/**
 * Min/mean/max per metric. Values are summed as the wire integers they came
 * from (e.g. centi-°C): integer sums are exact in any order, and the mean then
 * always lies between min and max.
 */
function sensorStats(readings: readonly DeviceReading[]): Partial<Record<MetricName, SensorStats>> {
  const stats: Partial<Record<MetricName, SensorStats>> = {};
  for (const m of AVERAGED_METRICS) {
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const reading of readings) {
      const value = reading.readings[m.name];
      if (value === undefined) continue;
      const wire = Math.round(value * m.perUnit);
      count += 1;
      sum += wire;
      if (wire < min) min = wire;
      if (wire > max) max = wire;
    }
    if (count > 0) stats[m.name] = { min: min / m.perUnit, mean: sum / count / m.perUnit, max: max / m.perUnit, count };
  }
  return stats;
}
