import type { DeviceReading } from "../aggregates/reading";

export type DeviceStatus = "online" | "stale" | "offline";

export interface StatusThresholds {
  /** Seen within this long: online. */
  onlineMs: number;
  /** Seen within this long (but not online): stale. Otherwise, or never seen: offline. */
  staleMs: number;
}

export const DEFAULT_STATUS_THRESHOLDS: StatusThresholds = { onlineMs: 5 * 60_000, staleMs: 60 * 60_000 };

/**
 * Online / stale / offline from when the server last accepted a message from
 * the device. Use the server's receivedAt, never the device's own timestamp: a
 * wrong device clock must not make a device look online.
 */
export function deviceStatus(
  lastSeenAt: Date | null,
  now: Date,
  thresholds: StatusThresholds = DEFAULT_STATUS_THRESHOLDS,
): DeviceStatus {
  if (!lastSeenAt) return "offline";
  const age = now.getTime() - lastSeenAt.getTime();
  if (age < thresholds.onlineMs) return "online";
  if (age < thresholds.staleMs) return "stale";
  return "offline";
}

/** Latest server arrival time among the readings, or null for none. */
export function lastSeen(readings: readonly DeviceReading[]): Date | null {
  let latest = -Infinity;
  for (const r of readings) if (r.receivedAt > latest) latest = r.receivedAt;
  return Number.isFinite(latest) ? new Date(latest) : null;
}
