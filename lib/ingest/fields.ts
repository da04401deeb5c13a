/**
 * The optional fields of a telemetry message: one table drives the zod schema,
 * the canonical encoding and the protocol document, so they cannot disagree.
 *
 * Every physical value travels as an integer in a fixed unit (e.g. centi-°C):
 * the device signs exactly the integers it sends, and no float rounding can
 * make two implementations encode the same reading differently.
 */

export type IntegerType = "u8" | "i16" | "u16" | "u32" | "i32";

export const INTEGER_BYTES: Record<IntegerType, number> = { u8: 1, i16: 2, u16: 2, u32: 4, i32: 4 };

export interface ScalarField {
  /** JSON key; its suffix names the unit of the integer. */
  key: string;
  /** Bit in the presence mask; also the order in the canonical layout. */
  bit: number;
  type: IntegerType;
  min: number;
  max: number;
  /** Physical quantity and the value of one integer step. */
  quantity: string;
  step: string;
}

/** Top-level integer readings, in presence-bit order. Bits 0, 1 are position, 11 is firmware. */
export const SCALAR_FIELDS = [
  { key: "temperatureCentiC", bit: 2, type: "i16", min: -10_000, max: 15_000, quantity: "temperature, -100.00…150.00 °C", step: "0.01 °C" },
  { key: "humidityCentiPct", bit: 3, type: "u16", min: 0, max: 10_000, quantity: "relative humidity, 0.00…100.00 %RH", step: "0.01 %RH" },
  { key: "pm25DeciUgM3", bit: 4, type: "u16", min: 0, max: 50_000, quantity: "PM2.5, 0.0…5000.0 µg/m³", step: "0.1 µg/m³" },
  { key: "pm10DeciUgM3", bit: 5, type: "u16", min: 0, max: 50_000, quantity: "PM10, 0.0…5000.0 µg/m³", step: "0.1 µg/m³" },
  { key: "lightCentiLux", bit: 6, type: "u32", min: 0, max: 20_000_000, quantity: "illuminance, 0.00…200000.00 lx", step: "0.01 lx" },
  { key: "pressurePa", bit: 7, type: "u32", min: 30_000, max: 110_000, quantity: "air pressure, 300.00…1100.00 hPa", step: "1 Pa = 0.01 hPa" },
  { key: "speedCmS", bit: 8, type: "u16", min: 0, max: 60_000, quantity: "ground speed, 0.00…600.00 m/s", step: "0.01 m/s" },
  { key: "headingCentiDeg", bit: 9, type: "u16", min: 0, max: 35_999, quantity: "heading from true north, 0.00…359.99°", step: "0.01°" },
  { key: "batteryPct", bit: 10, type: "u8", min: 0, max: 100, quantity: "battery charge, 0…100 %", step: "1 %" },
] as const satisfies readonly ScalarField[];

export type ScalarKey = (typeof SCALAR_FIELDS)[number]["key"];

export const POSITION_BIT = 0;
export const ACCURACY_BIT = 1;
export const FIRMWARE_BIT = 11;
/** Bits 12–15 are reserved and must be zero in layout version 1. */
export const KNOWN_BITS_MASK = 0x0fff;

export const POSITION_FIELDS = {
  latE6: { type: "i32", min: -90_000_000, max: 90_000_000, quantity: "latitude WGS 84, -90…90°", step: "1 µ° (1e-6°)" },
  lonE6: { type: "i32", min: -180_000_000, max: 180_000_000, quantity: "longitude WGS 84, -180…180°", step: "1 µ° (1e-6°)" },
  accuracyCm: { type: "u32", min: 0, max: 10_000_000, quantity: "horizontal accuracy (1σ), 0.00…100000.00 m", step: "0.01 m" },
} as const;

/** Firmware version: printable ASCII (0x20–0x7E), 1–32 bytes. */
export const FIRMWARE_MAX_BYTES = 32;
export const FIRMWARE_PATTERN = /^[\x20-\x7e]+$/;
