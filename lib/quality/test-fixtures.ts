import type { DeviceReading, Readings } from "../aggregates/reading";

/** Synthetic devices for the quality and aggregate tests. */

export const DEVICE_A = "0x000000000000000000000000000000000000000a";
export const DEVICE_B = "0x000000000000000000000000000000000000000b";
export const HOUR = Date.UTC(2026, 10, 25, 12); // 2026-11-25 12:00 UTC

const METERS_PER_DEGREE_LAT = 111_195;

export interface WalkOptions {
  device?: string;
  start?: number;
  count?: number;
  intervalMs?: number;
  /** Walking speed, m/s, heading north-east. */
  speed?: number;
  lat?: number;
  lon?: number;
  /** Network delay between measuring and arrival, ms. */
  latencyMs?: number;
}

/**
 * A clean walker in Berlin: a position every intervalMs at walking speed with
 * 5 m accuracy, temperature/humidity/pressure with realistic noise. Scores 100.
 */
export function walker(options: WalkOptions = {}): DeviceReading[] {
  const { device = DEVICE_A, start = HOUR, count = 720, intervalMs = 5_000, speed = 1.4, lat = 52.52, lon = 13.405, latencyMs = 300 } = options;
  const metersPerDegreeLon = METERS_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180);
  return Array.from({ length: count }, (_, i): DeviceReading => {
    const meters = (speed * i * intervalMs) / 1000 / Math.SQRT2;
    const measuredAt = start + i * intervalMs;
    return {
      device,
      sequence: BigInt(i + 1),
      measuredAt,
      receivedAt: measuredAt + latencyMs,
      lat: lat + meters / METERS_PER_DEGREE_LAT,
      lon: lon + meters / metersPerDegreeLon,
      accuracyMeters: 5,
      readings: noisySensors(i),
    };
  });
}

/** Deterministic "noise": varies every reading, never jumps. */
export function noisySensors(i: number): Readings {
  const wobble = (period: number, amplitude: number) => Math.round(Math.sin(i / period) * amplitude * 100 + (i % 7)) / 100;
  return {
    temperature: Math.round((18 + wobble(37, 1.5)) * 100) / 100,
    humidity: Math.round((55 + wobble(23, 4)) * 100) / 100,
    pressure: Math.round((1013.25 + wobble(51, 0.8)) * 100) / 100,
    battery: 80,
  };
}

export function withReadings(readings: DeviceReading[], at: number, change: (r: DeviceReading) => DeviceReading): DeviceReading[] {
  return readings.map((r, i) => (i === at ? change(r) : r));
}
