import { sortReadings, type DeviceReading } from "../aggregates/reading";
import { checkBursts } from "./bursts";
import { checkClock } from "./clock";
import { DEFAULT_QUALITY_CONFIG, type Penalty, type QualityConfig } from "./config";
import { CHECKS, compareFindings, type CheckName, type Finding } from "./finding";
import { checkFrozenValues } from "./frozen";
import { checkLongGaps } from "./gaps";
import { checkImplausibleJumps } from "./jumps";
import { detectSharedPositions } from "./shared-positions";
import { checkImpossibleSpeed } from "./speed";

export interface QualityWindow {
  /** One device's readings in the window, any order. */
  readings: readonly DeviceReading[];
  /** This device's findings from the fleet-level detectSharedPositions, if it ran. */
  sharedPositions?: readonly Finding[];
}

export interface CheckPenalty {
  check: CheckName;
  findings: number;
  /** Points taken off: sum of the findings' penalties, at most `cap`. */
  points: number;
  cap: number;
}

export interface QualityScore {
  /** 100 − the capped penalties of all checks, never below 0. An empty window scores 100 (no evidence against it). */
  score: number;
  findings: Finding[];
  /** One entry per check, in CHECKS order, including checks with no finding. */
  penalties: CheckPenalty[];
}

/** Runs every per-device check on the window and scores it. */
export function scoreDevice(window: QualityWindow, config: QualityConfig = DEFAULT_QUALITY_CONFIG): QualityScore {
  const readings = sortReadings(window.readings);
  const findings = [
    ...checkImpossibleSpeed(readings, config.speed),
    ...checkFrozenValues(readings, config.frozen),
    ...checkImplausibleJumps(readings, config.jump),
    ...checkClock(readings, config.clock),
    ...checkBursts(readings, config.burst),
    ...checkLongGaps(readings, config.gap),
    ...(window.sharedPositions ?? []),
  ].sort(compareFindings);
  const penalties = CHECKS.map((check): CheckPenalty => {
    const own = findings.filter((f) => f.check === check);
    const { cap } = penaltyOf(check, config);
    const points = Math.min(cap, own.reduce((sum, f) => sum + f.penalty, 0));
    return { check, findings: own.length, points, cap };
  });
  const score = Math.max(0, 100 - penalties.reduce((sum, p) => sum + p.points, 0));
  return { score, findings, penalties };
}

/**
 * The whole fleet for one window: the cross-device spoofing check, then each
 * device's score. Keys sorted by device.
 */
export function scoreFleet(
  readingsByDevice: ReadonlyMap<string, readonly DeviceReading[]>,
  config: QualityConfig = DEFAULT_QUALITY_CONFIG,
): Map<string, QualityScore> {
  const shared = detectSharedPositions(readingsByDevice, config.shared);
  const scores = new Map<string, QualityScore>();
  for (const device of [...readingsByDevice.keys()].sort()) {
    scores.set(device, scoreDevice({ readings: readingsByDevice.get(device) ?? [], sharedPositions: shared.get(device) ?? [] }, config));
  }
  return scores;
}

function penaltyOf(check: CheckName, config: QualityConfig): Penalty {
  const byCheck: Record<CheckName, Penalty> = {
    "impossible-speed": config.speed,
    "frozen-value": config.frozen,
    "implausible-jump": config.jump,
    "clock-drift": config.clock,
    burst: config.burst,
    "long-gap": config.gap,
    "shared-position": config.shared,
  };
  return byCheck[check];
}
