import type { TelemetryMessage } from "../ingest/message";

/**
 * The minimal decoded reading that aggregates and quality checks work on:
 * physical units (°C, m, hPa …) instead of the wire integers, and both clocks —
 * the device's (`measuredAt`) and the server's (`receivedAt`).
 */
export interface DeviceReading {
  /** Lowercase 0x address, as the ingest store keys devices. */
  device: string;
  sequence: bigint;
  /** Device clock: when the reading was taken, Unix ms. */
  measuredAt: number;
  /** Server clock: when the message was accepted, Unix ms. */
  receivedAt: number;
  /** WGS 84 degrees; both or neither. */
  lat?: number;
  lon?: number;
  /** Horizontal accuracy (1σ), metres. */
  accuracyMeters?: number;
  readings: Readings;
}

/**
 * Scalar metrics: physical unit, and how many wire integers make one unit, so
 * the wire value (e.g. centi-°C) converts both ways without loss.
 */
export const METRICS = [
  { name: "temperature", wireKey: "temperatureCentiC", perUnit: 100, unit: "°C", decimals: 2 },
  { name: "humidity", wireKey: "humidityCentiPct", perUnit: 100, unit: "%RH", decimals: 2 },
  { name: "pm25", wireKey: "pm25DeciUgM3", perUnit: 10, unit: "µg/m³", decimals: 1 },
  { name: "pm10", wireKey: "pm10DeciUgM3", perUnit: 10, unit: "µg/m³", decimals: 1 },
  { name: "light", wireKey: "lightCentiLux", perUnit: 100, unit: "lx", decimals: 2 },
  { name: "pressure", wireKey: "pressurePa", perUnit: 100, unit: "hPa", decimals: 2 },
  { name: "speed", wireKey: "speedCmS", perUnit: 100, unit: "m/s", decimals: 2 },
  { name: "heading", wireKey: "headingCentiDeg", perUnit: 100, unit: "°", decimals: 2 },
  { name: "battery", wireKey: "batteryPct", perUnit: 1, unit: "%", decimals: 0 },
] as const satisfies readonly { name: string; wireKey: keyof TelemetryMessage; perUnit: number; unit: string; decimals: number }[];

export type MetricName = (typeof METRICS)[number]["name"];
export type Metric = (typeof METRICS)[number];
export type Readings = Partial<Record<MetricName, number>>;

export function metric(name: MetricName): Metric {
  const found = METRICS.find((m) => m.name === name);
  if (!found) throw new Error(`unknown metric ${name}`);
  return found;
}

/** Adapter from a verified wire message (lib/ingest) and its arrival time. */
export function readingFromTelemetry(message: TelemetryMessage, receivedAt: Date | number): DeviceReading {
  const readings: Readings = {};
  for (const m of METRICS) {
    const wire = message[m.wireKey];
    if (wire !== undefined) readings[m.name] = wire / m.perUnit;
  }
  const reading: DeviceReading = {
    device: message.device.toLowerCase(),
    sequence: message.sequence,
    measuredAt: message.timestamp,
    receivedAt: typeof receivedAt === "number" ? receivedAt : receivedAt.getTime(),
    readings,
  };
  if (message.position) {
    reading.lat = message.position.latE6 / 1e6;
    reading.lon = message.position.lonE6 / 1e6;
    if (message.position.accuracyCm !== undefined) reading.accuracyMeters = message.position.accuracyCm / 100;
  }
  return reading;
}

/**
 * Total order by device time, then sequence: every result is computed over
 * this order, so shuffled input gives identical output.
 */
export function compareReadings(a: DeviceReading, b: DeviceReading): number {
  if (a.measuredAt !== b.measuredAt) return a.measuredAt - b.measuredAt;
  if (a.sequence !== b.sequence) return a.sequence < b.sequence ? -1 : 1;
  return a.receivedAt - b.receivedAt;
}

export function sortReadings(readings: readonly DeviceReading[]): DeviceReading[] {
  return [...readings].sort(compareReadings);
}

export interface Fix {
  reading: DeviceReading;
  lat: number;
  lon: number;
  accuracyMeters: number | undefined;
}

/** The readings that carry a position, as fixes (input order kept). */
export function fixesOf(readings: readonly DeviceReading[]): Fix[] {
  const fixes: Fix[] = [];
  for (const reading of readings) {
    if (reading.lat !== undefined && reading.lon !== undefined) {
      fixes.push({ reading, lat: reading.lat, lon: reading.lon, accuracyMeters: reading.accuracyMeters });
    }
  }
  return fixes;
}

/** The readings in time order; the same array when already ordered (checks call this each). */
export function inTimeOrder(readings: readonly DeviceReading[]): readonly DeviceReading[] {
  for (let i = 1; i < readings.length; i++) {
    if (compareReadings(readings[i - 1] as DeviceReading, readings[i] as DeviceReading) > 0) return sortReadings(readings);
  }
  return readings;
}
