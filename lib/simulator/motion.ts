/**
 * Speed and distance travelled as closed-form functions of time, so a
 * device's position at any instant needs no history:
 *
 *   speed(t)    = base · (1 + swing · sin(ω·A(t) + φ))   while active, else 0
 *   distance(t) = base · (A(t) − swing/ω · cos(ω·A(t) + φ))
 *
 * A(t) counts the seconds the device has been active (its daily window, e.g.
 * a courier's 07:00–21:00) since the Unix epoch; distance is its integral.
 * The sine makes traffic: cars oscillate between crawling and ~1.8× cruise.
 */
export interface MotionProfile {
  /** Mean speed while active, m/s. */
  baseSpeedMs: number;
  /** Relative speed variation, 0…<1 (keeps speed positive). */
  swing: number;
  /** Period of the speed variation, s. */
  swingPeriodS: number;
  swingPhase: number;
  /** Start of the daily active window, hours after local midnight. */
  activeStartHour: number;
  /** Length of the daily active window, hours (24 = always moving). */
  activeHours: number;
  utcOffsetHours: number;
}

const DAY_S = 86_400;

function activeClock(profile: MotionProfile, tMs: number): { activeSeconds: number; active: boolean } {
  const windowS = profile.activeHours * 3600;
  const shifted = tMs / 1000 + (profile.utcOffsetHours - profile.activeStartHour) * 3600;
  const day = Math.floor(shifted / DAY_S);
  const timeOfDay = shifted - day * DAY_S;
  return { activeSeconds: day * windowS + Math.min(timeOfDay, windowS), active: timeOfDay < windowS };
}

export interface MotionState {
  distanceM: number;
  speedMs: number;
  moving: boolean;
}

export function motionAt(profile: MotionProfile, tMs: number): MotionState {
  const { activeSeconds, active } = activeClock(profile, tMs);
  const omega = (2 * Math.PI) / profile.swingPeriodS;
  const angle = omega * activeSeconds + profile.swingPhase;
  const distanceM = profile.baseSpeedMs * (activeSeconds - (profile.swing / omega) * Math.cos(angle));
  const speedMs = active ? profile.baseSpeedMs * (1 + profile.swing * Math.sin(angle)) : 0;
  return { distanceM, speedMs, moving: active };
}

/** Highest speed the profile can reach: what the speed-bound tests check against. */
export function maxSpeedMs(profile: MotionProfile): number {
  return profile.baseSpeedMs * (1 + profile.swing);
}
