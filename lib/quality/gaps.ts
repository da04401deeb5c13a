import { inTimeOrder, type DeviceReading } from "../aggregates/reading";
import type { QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDuration, formatTime } from "./format";

/** Long gaps: no reading for longer than maxGapMs between two readings (device clock). */
export function checkLongGaps(readings: readonly DeviceReading[], config: QualityConfig["gap"]): Finding[] {
  const ordered = inTimeOrder(readings);
  const findings: Finding[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const from = (ordered[i - 1] as DeviceReading).measuredAt;
    const to = (ordered[i] as DeviceReading).measuredAt;
    if (to - from <= config.maxGapMs) continue;
    findings.push({
      check: "long-gap",
      severity: "warning",
      penalty: config.penalty,
      reason:
        `no readings for ${formatDuration(to - from)} (${formatTime(from)} to ${formatTime(to)}); ` +
        `gaps longer than ${formatDuration(config.maxGapMs)} leave holes in the data — check power and connectivity`,
      at: new Date(from),
    });
  }
  return findings;
}
