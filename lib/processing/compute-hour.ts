import { aggregateHour, type DeviceReading, type HourlyOptions, DEFAULT_HOURLY_OPTIONS } from "../aggregates";
import { DEFAULT_QUALITY_CONFIG, scoreFleet, type QualityConfig } from "../quality";

/** A DeviceHour row without computedAt (which the caller stamps). */
export interface DeviceHourValues {
  device: string;
  hourStart: Date;
  messageCount: number;
  onlineMinutes: number;
  distanceMeters: number;
  cellsR7: string[];
  cellsR8: string[];
  sensors: Record<string, { min: number; mean: number; max: number; count: number }>;
  qualityScore: number;
  findings: Array<{ check: string; severity: string; penalty: number; reason: string; at: string }>;
}

export interface ComputeOptions {
  hourly?: HourlyOptions;
  quality?: QualityConfig;
}

/**
 * Pure: one hour of the whole fleet → one row per device that sent anything,
 * sorted by device. scoreFleet runs once over all devices because the
 * shared-position (spoofing) check compares devices with each other.
 */
export function computeHour(
  readingsByDevice: ReadonlyMap<string, readonly DeviceReading[]>,
  hourStart: Date,
  options: ComputeOptions = {},
): DeviceHourValues[] {
  const scores = scoreFleet(readingsByDevice, options.quality ?? DEFAULT_QUALITY_CONFIG);
  const rows: DeviceHourValues[] = [];
  for (const [device, score] of scores) {
    const readings = readingsByDevice.get(device) ?? [];
    if (readings.length === 0) continue;
    const hour = aggregateHour(readings, hourStart, options.hourly ?? DEFAULT_HOURLY_OPTIONS);
    const sensors: DeviceHourValues["sensors"] = {};
    for (const [metric, stats] of Object.entries(hour.sensors)) {
      sensors[metric] = { min: stats.min, mean: stats.mean, max: stats.max, count: stats.count };
    }
    rows.push({
      device,
      hourStart: hour.hourStart,
      messageCount: hour.messageCount,
      onlineMinutes: hour.onlineMinutes,
      distanceMeters: hour.distanceMeters,
      cellsR7: hour.cellsR7,
      cellsR8: hour.cellsR8,
      sensors,
      qualityScore: score.score,
      findings: score.findings.map((f) => ({ check: f.check, severity: f.severity, penalty: f.penalty, reason: f.reason, at: f.at.toISOString() })),
    });
  }
  return rows;
}
