/**
 * Units a service listing can be sold in: only what the device protocol lets us measure from verified telemetry
 * (docs/device-protocol.md). The protocol carries no energy or traffic counters, so kWh or GB cannot be attested
 * and are not accepted; a listing's devices are measured by:
 * - online minutes: distinct minutes (device clock) with at least one accepted message, per device — a GPS base
 *   station's correction minutes, or any "device was up and reporting" service;
 * - readings: accepted messages.
 */
export const SERVICE_UNITS = {
  "correction-minute": { measure: "online-minutes", label: "GPS correction minute" },
  "online-minute": { measure: "online-minutes", label: "online minute" },
  reading: { measure: "readings", label: "reading" },
} as const;

export type ServiceUnit = keyof typeof SERVICE_UNITS;
export type ServiceMeasure = (typeof SERVICE_UNITS)[ServiceUnit]["measure"];
export const SERVICE_UNIT_NAMES = Object.keys(SERVICE_UNITS) as [ServiceUnit, ...ServiceUnit[]];

/** How a unit is measured; null for units no telemetry measures (listings from before units were restricted). */
export function serviceMeasure(unit: string): ServiceMeasure | null {
  return Object.hasOwn(SERVICE_UNITS, unit) ? SERVICE_UNITS[unit as ServiceUnit].measure : null;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface MeasurementPeriod {
  start: Date;
  end: Date;
}

/**
 * The service periods of an order that are ready to be measured at `now`: the delivery window
 * [createdAt, deliveryEnd) cut at whole UTC hours, the first one starting at createdAt rounded up to a minute
 * (so a minute never falls in two periods), each ready once it ended `settleMs` ago (late rows of devices that
 * buffer still land in it).
 */
export function servicePeriods(createdAt: Date, deliveryEnd: Date, now: number, settleMs: number): MeasurementPeriod[] {
  const periods: MeasurementPeriod[] = [];
  let start = Math.ceil(createdAt.getTime() / MINUTE_MS) * MINUTE_MS;
  const last = Math.min(deliveryEnd.getTime(), now - settleMs);
  while (start < last) {
    const end = Math.min((Math.floor(start / HOUR_MS) + 1) * HOUR_MS, deliveryEnd.getTime());
    if (end > now - settleMs) break;
    periods.push({ start: new Date(start), end: new Date(end) });
    start = end;
  }
  return periods;
}
