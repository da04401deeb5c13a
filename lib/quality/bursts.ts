import { inTimeOrder, type DeviceReading } from "../aggregates/reading";
import type { QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDuration, formatNumber, formatTime } from "./format";

/**
 * Bursts: more than maxReadings readings measured within windowMs (device
 * clock). Uploading a buffer in one batch is fine — it is when the readings
 * were *taken* that counts. Overlapping windows form one episode, one finding.
 */
export function checkBursts(readings: readonly DeviceReading[], config: QualityConfig["burst"]): Finding[] {
  const times = inTimeOrder(readings).map((r) => r.measuredAt);
  const findings: Finding[] = [];
  // `end` is the last reading of the episode: windows starting before it belong to it.
  let episode: { start: number; end: number; peak: number } | null = null;
  const close = () => {
    if (!episode) return;
    findings.push({
      check: "burst",
      severity: "warning",
      penalty: config.penalty,
      reason:
        `took ${formatNumber(episode.peak)} readings within ${formatDuration(config.windowMs)} at ${formatTime(episode.start)}; ` +
        `more than ${formatNumber(config.maxReadings)} in ${formatDuration(config.windowMs)} is more than any sensor needs`,
      at: new Date(episode.start),
    });
    episode = null;
  };
  let left = 0;
  for (let right = 0; right < times.length; right++) {
    const now = times[right] as number;
    while ((times[left] as number) <= now - config.windowMs) left++;
    const count = right - left + 1;
    if (count <= config.maxReadings) continue;
    const windowStart = times[left] as number;
    if (episode && windowStart <= episode.end) {
      episode.end = now;
      episode.peak = Math.max(episode.peak, count);
    } else {
      close();
      episode = { start: windowStart, end: now, peak: count };
    }
  }
  close();
  return findings;
}
