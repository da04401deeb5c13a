import type { MotionProfile } from "./motion";
import { solarHour } from "./sensors";

/**
 * Battery charge (%) as a function of time of day. Trackers drain while their
 * carrier is out and recharge overnight; dashcams charge while the car runs
 * and drain while parked; solar meters charge from the sun and drain at night.
 */

const HOUR_MS = 3_600_000;

/** Hours since the start of today's (or yesterday's) active window, in [0, 24). */
function hoursIntoDay(profile: MotionProfile, tMs: number): number {
  const local = tMs / HOUR_MS + profile.utcOffsetHours - profile.activeStartHour;
  return ((local % 24) + 24) % 24;
}

/** Portable tracker: 100 % when leaving home, −drainPerHour while out, +30 %/h on the charger. */
export function trackerBatteryPct(profile: MotionProfile, tMs: number, drainPerHour: number): number {
  const h = hoursIntoDay(profile, tMs);
  const lowest = 100 - drainPerHour * profile.activeHours;
  const pct = h < profile.activeHours ? 100 - drainPerHour * h : lowest + 30 * (h - profile.activeHours);
  return clampPct(pct);
}

/** Dashcam backup battery: drains 3 %/h while parked, charges 40 %/h once the engine runs. */
export function dashcamBatteryPct(profile: MotionProfile, tMs: number): number {
  const h = hoursIntoDay(profile, tMs);
  const parkedHours = 24 - profile.activeHours;
  const parkedLevel = Math.max(5, 100 - 3 * parkedHours);
  const pct = h < profile.activeHours ? parkedLevel + 40 * h : 100 - 3 * (h - profile.activeHours);
  return clampPct(Math.max(5, pct));
}

/** Solar meter: fullest late afternoon, emptiest before dawn; `capacity` shrinks the swing of older cells. */
export function solarBatteryPct(lon: number, tMs: number, capacity: number): number {
  const swing = 35 * capacity;
  return clampPct(60 + swing * Math.sin(((2 * Math.PI) / 24) * (solarHour(lon, tMs) - 10)));
}

function clampPct(value: number): number {
  return Math.min(100, Math.max(0, Math.round(value)));
}
