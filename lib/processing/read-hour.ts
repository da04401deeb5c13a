import "server-only";
import { getAddress, type Address } from "viem";
import { HOUR_MS, readingFromTelemetry, type DeviceReading } from "../aggregates";
import type { Prisma } from "../db/generated/client";
import type { TelemetryMessage } from "../ingest/message";

type Tx = Prisma.TransactionClient;

/** The typed columns of ingest.telemetry, aliased to TelemetryMessage's wire keys. */
interface TelemetryRow {
  device: Uint8Array;
  sequence: string;
  measured_at: Date;
  received_at: Date;
  lat_e6: number | null;
  lon_e6: number | null;
  accuracy_cm: number | null;
  temperatureCentiC: number | null;
  humidityCentiPct: number | null;
  pm25DeciUgM3: number | null;
  pm10DeciUgM3: number | null;
  lightCentiLux: number | null;
  pressurePa: number | null;
  speedCmS: number | null;
  headingCentiDeg: number | null;
  batteryPct: number | null;
}

const SCALAR_KEYS = [
  "temperatureCentiC",
  "humidityCentiPct",
  "pm25DeciUgM3",
  "pm10DeciUgM3",
  "lightCentiLux",
  "pressurePa",
  "speedCmS",
  "headingCentiDeg",
  "batteryPct",
] as const satisfies readonly (keyof TelemetryMessage & keyof TelemetryRow)[];

/**
 * Every reading measured (device clock) in [hourStart, hourStart + 1 h),
 * grouped by lowercase device address. Rows go back through the wire message
 * shape and readingFromTelemetry, so the units are exactly those the ingest
 * path would produce (no second copy of the fixed-point scales).
 */
export async function readHourReadings(tx: Tx, hourStart: Date): Promise<Map<string, DeviceReading[]>> {
  const end = new Date(hourStart.getTime() + HOUR_MS);
  // sequence is NUMERIC(20,0) (uint64): as text, so it survives the driver as a bigint.
  const rows = await tx.$queryRaw<TelemetryRow[]>`
    SELECT device, sequence::text AS sequence, measured_at, received_at, lat_e6, lon_e6, accuracy_cm,
           temperature_centi_c AS "temperatureCentiC", humidity_centi_pct AS "humidityCentiPct",
           pm25_deci_ug_m3 AS "pm25DeciUgM3", pm10_deci_ug_m3 AS "pm10DeciUgM3", light_centi_lux AS "lightCentiLux",
           pressure_pa AS "pressurePa", speed_cm_s AS "speedCmS", heading_centi_deg AS "headingCentiDeg",
           battery_pct AS "batteryPct"
      FROM ingest.telemetry
     WHERE measured_at >= ${hourStart} AND measured_at < ${end}`;
  const addresses = new Map<string, Address>();
  const byDevice = new Map<string, DeviceReading[]>();
  for (const row of rows) {
    const hex = `0x${Buffer.from(row.device).toString("hex")}`;
    // Checksumming costs a keccak: once per device, not per row.
    let address = addresses.get(hex);
    if (!address) addresses.set(hex, (address = getAddress(hex)));
    const reading = readingFromTelemetry(messageOf(row, address), row.received_at);
    const list = byDevice.get(reading.device);
    if (list) list.push(reading);
    else byDevice.set(reading.device, [reading]);
  }
  return byDevice;
}

function messageOf(row: TelemetryRow, device: Address): TelemetryMessage {
  const message: TelemetryMessage = { device, sequence: BigInt(row.sequence), timestamp: row.measured_at.getTime() };
  if (row.lat_e6 !== null && row.lon_e6 !== null) {
    message.position = { latE6: row.lat_e6, lonE6: row.lon_e6 };
    if (row.accuracy_cm !== null) message.position.accuracyCm = row.accuracy_cm;
  }
  for (const key of SCALAR_KEYS) {
    const value = row[key];
    if (value !== null) message[key] = value;
  }
  return message;
}
