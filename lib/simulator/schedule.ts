import type { SimDevice } from "./fleet";
import { hashString, unit } from "./random";

/**
 * When a device takes readings and when it is offline, as pure functions of
 * time: reading k falls at k·interval + phase ± 10 % jitter, so the readings in
 * any window can be listed without knowing what happened before it.
 */

const OUTAGE = hashString("outage");
const JITTER = hashString("jitter");
const SLOT_MS = 3_600_000;

export type Outage = "network" | "power";

/** Whether the device is offline at t: "network" buffers readings for later, "power" takes none. */
export function outageAt(device: SimDevice, tMs: number): Outage | null {
  const probability = device.outagesPerDay / 24;
  const slot = Math.floor(tMs / SLOT_MS);
  // Outages last under one slot, so only this slot's and the previous slot's can cover t.
  for (const s of [slot, slot - 1]) {
    if (unit(device.noiseSeed, OUTAGE, s) >= probability) continue;
    const start = s * SLOT_MS + unit(device.noiseSeed, OUTAGE, s, 1) * SLOT_MS;
    const duration = 180_000 + unit(device.noiseSeed, OUTAGE, s, 2) * 37 * 60_000; // 3–40 min
    if (tMs >= start && tMs < start + duration) return unit(device.noiseSeed, OUTAGE, s, 3) < 0.6 ? "network" : "power";
  }
  return null;
}

/** Reading times in [fromMs, toMs), integer ms, strictly increasing; none during power outages. */
export function readingTimes(device: SimDevice, fromMs: number, toMs: number): number[] {
  const times: number[] = [];
  const interval = device.intervalMs;
  const first = Math.floor((fromMs - device.phaseMs) / interval) - 1;
  const last = Math.ceil((toMs - device.phaseMs) / interval) + 1;
  for (let k = first; k <= last; k++) {
    // ±10 % keeps consecutive readings in order (their slots are a whole interval apart).
    const jitter = (unit(device.noiseSeed, JITTER, k) - 0.5) * 0.2 * interval;
    times.push(Math.round(k * interval + device.phaseMs + jitter));
  }
  if (device.fault?.kind === "burst-sender") {
    const { burstSize, burstSpacingMs, everyMs } = device.fault;
    const burstLength = burstSize * burstSpacingMs;
    for (let b = Math.floor((fromMs - device.phaseMs - burstLength) / everyMs); b * everyMs + device.phaseMs < toMs; b++) {
      const start = b * everyMs + device.phaseMs + Math.floor(interval / 2);
      for (let i = 0; i < burstSize; i++) times.push(start + i * burstSpacingMs);
    }
  }
  const sorted = [...new Set(times)].filter((t) => t >= fromMs && t < toMs).sort((a, b) => a - b);
  return sorted.filter((t) => outageAt(device, t) !== "power");
}

/** What the device's own clock says at true time t: only the clock-drift device is wrong. */
export function deviceClockMs(device: SimDevice, tMs: number): number {
  if (device.fault?.kind !== "clock-drift") return tMs;
  const { msPerMinute, resyncEveryMs } = device.fault;
  const sinceResync = (((tMs - device.phaseMs) % resyncEveryMs) + resyncEveryMs) % resyncEveryMs;
  return tMs + Math.round((sinceResync / 60_000) * msPerMinute);
}
