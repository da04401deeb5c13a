import { fixesOf, inTimeOrder, type DeviceReading } from "../aggregates/reading";
import { analyseTrack } from "../aggregates/track";
import type { QualityConfig } from "./config";
import type { Finding } from "./finding";
import { formatDistance, formatDuration, formatNumber, formatTime } from "./format";

/** Impossible speed / teleporting GPS: a move faster than the model can travel, after allowing for GPS accuracy. */
export function checkImpossibleSpeed(readings: readonly DeviceReading[], config: QualityConfig["speed"]): Finding[] {
  const { teleports } = analyseTrack(fixesOf(inTimeOrder(readings)), config);
  return teleports.map((t) => ({
    check: "impossible-speed",
    severity: "critical",
    penalty: config.penalty,
    reason:
      `moved ${formatDistance(t.meters)} in ${formatDuration(t.elapsedMs)} (${formatNumber(t.speedKmh)} km/h) at ${formatTime(t.to.reading.measuredAt)}; ` +
      `the limit is ${formatNumber(config.maxSpeedKmh)} km/h, so this position was not counted`,
    at: new Date(t.to.reading.measuredAt),
  }));
}
