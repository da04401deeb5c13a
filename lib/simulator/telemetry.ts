import type { TelemetryMessage } from "../ingest/message";
import { dashcamBatteryPct, solarBatteryPct, trackerBatteryPct } from "./battery";
import type { SimDevice } from "./fleet";
import { offsetMetres, toE6, type LatLon } from "./geo";
import { motionAt } from "./motion";
import { gaussian, hashString, uniform, unit } from "./random";
import { pointOnRoute } from "./route";
import { deviceClockMs, outageAt, readingTimes } from "./schedule";
import { humidityPct, illuminanceLux, particulatesUgM3, pressurePa, temperatureC } from "./sensors";

/**
 * One device reading at true time t, as the protocol's integers
 * (docs/device-protocol.md §3.2). Pure: (device, t) → the same message every
 * time, which is what makes a retry after a restart a DUPLICATE, not a replay.
 */

const GPS = hashString("gps");
const TELEPORT = hashString("teleport");

/**
 * The sequence number is the true time of the reading in ms. Readings of one
 * device are strictly increasing in time (schedule.ts), so sequences are too;
 * and since time only moves forward, a restarted simulator continues above
 * every sequence it sent before without persisting anything. It is taken
 * from the true time, not the device clock, so the clock-drift device's
 * resync jumps do not make it go backwards.
 */
export function sequenceFor(tMs: number): bigint {
  return BigInt(tMs);
}

interface Position {
  point: LatLon;
  speedMs: number;
  headingDeg: number | null;
}

function positionAt(device: SimDevice, tMs: number): Position {
  if (!device.route) return { point: device.home, speedMs: 0, headingDeg: null };
  const motion = motionAt(device.motion, tMs);
  const onRoute = pointOnRoute(device.route, motion.distanceM);
  return { point: onRoute, speedMs: motion.speedMs, headingDeg: motion.moving ? onRoute.headingDeg : null };
}

/** GPS fix: the true point plus noise of the device's accuracy; the teleporter's fix sometimes lands far away. */
function gpsFix(device: SimDevice, tMs: number, truth: LatLon): { point: LatLon; accuracyCm: number } {
  const accuracyCm = Math.round(device.accuracyCm * uniform(0.7, 1.6, device.noiseSeed, GPS, tMs));
  const sigmaM = accuracyCm / 100 / 2;
  let point = offsetMetres(truth, sigmaM * gaussian(device.noiseSeed, GPS, tMs, 1), sigmaM * gaussian(device.noiseSeed, GPS, tMs, 2));
  const fault = device.fault;
  if (fault?.kind === "teleporter") {
    const slot = Math.floor(tMs / fault.slotMs);
    if (unit(device.noiseSeed, TELEPORT, slot) < fault.jumpProbability) {
      const distanceM = uniform(50_000, 800_000, device.noiseSeed, TELEPORT, slot, 1);
      const bearing = uniform(0, 2 * Math.PI, device.noiseSeed, TELEPORT, slot, 2);
      point = offsetMetres(point, distanceM * Math.sin(bearing), distanceM * Math.cos(bearing));
    }
  }
  return { point: { lat: Math.max(-89.9, Math.min(89.9, point.lat)), lon: ((point.lon + 540) % 360) - 180 }, accuracyCm };
}

type SensorFields = Pick<
  TelemetryMessage,
  "temperatureCentiC" | "humidityCentiPct" | "pm25DeciUgM3" | "pm10DeciUgM3" | "lightCentiLux" | "pressurePa"
>;

const clampInt = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));

function sensorFields(device: SimDevice, tMs: number, at: LatLon): SensorFields {
  const { city, noiseSeed, calibration } = device;
  const fields: SensorFields = {};
  if (device.kind === "car") {
    fields.lightCentiLux = clampInt(illuminanceLux(city, at.lat, at.lon, tMs, 15) * 100, 0, 20_000_000);
    return fields;
  }
  const temperature = temperatureC(city, tMs, noiseSeed, calibration.temperatureC);
  fields.temperatureCentiC = clampInt(temperature * 100, -10_000, 15_000);
  if (device.kind === "solar") {
    fields.lightCentiLux = clampInt(illuminanceLux(city, at.lat, at.lon, tMs, 0) * 100, 0, 20_000_000);
    return fields;
  }
  fields.humidityCentiPct = clampInt(humidityPct(city, tMs, temperature, noiseSeed) * 100, 0, 10_000);
  const { pm25, pm10 } = particulatesUgM3(city, tMs, noiseSeed, calibration.exposure);
  fields.pm25DeciUgM3 = clampInt(pm25 * 10, 0, 50_000);
  fields.pm10DeciUgM3 = clampInt(pm10 * 10, 0, 50_000);
  if (device.kind === "fixed") {
    fields.lightCentiLux = clampInt(illuminanceLux(city, at.lat, at.lon, tMs, 0) * 100, 0, 20_000_000);
    fields.pressurePa = clampInt(pressurePa(city, tMs, noiseSeed), 30_000, 110_000);
  }
  return fields;
}

function batteryPct(device: SimDevice, tMs: number): number | undefined {
  switch (device.kind) {
    case "walker":
    case "cyclist":
      return trackerBatteryPct(device.motion, tMs, device.calibration.batteryDrainPerHour);
    case "car":
      return dashcamBatteryPct(device.motion, tMs);
    case "solar":
      return solarBatteryPct(device.home.lon, tMs, device.calibration.solarCapacity);
    case "fixed":
      return undefined; // mains powered
  }
}

/** The unsigned message the device produces for its reading at true time t. */
export function readingAt(device: SimDevice, atMs: number): TelemetryMessage {
  const tMs = Math.round(atMs); // readings happen on whole milliseconds: the sequence is this time
  const { point, speedMs, headingDeg } = positionAt(device, tMs);
  const fix = gpsFix(device, tMs, point);
  // The frozen sensor repeats the reading of one instant forever.
  const sensorTime = device.fault?.kind === "frozen-sensor" ? device.fault.frozenAtMs : tMs;
  const message: TelemetryMessage = {
    device: device.address,
    sequence: sequenceFor(tMs),
    timestamp: deviceClockMs(device, tMs),
    position: { latE6: toE6(fix.point.lat), lonE6: toE6(fix.point.lon), accuracyCm: fix.accuracyCm },
    ...sensorFields(device, sensorTime, point),
  };
  if (device.route) {
    message.speedCmS = clampInt(speedMs * 100, 0, 60_000);
    if (headingDeg !== null) message.headingCentiDeg = clampInt(headingDeg * 100, 0, 35_999 + 1) % 36_000;
  }
  const battery = batteryPct(device, tMs);
  if (battery !== undefined) message.batteryPct = battery;
  message.firmware = device.firmware;
  return message;
}

/** Every reading of the device in [fromMs, toMs), in sequence order. */
export function readingsBetween(device: SimDevice, fromMs: number, toMs: number): TelemetryMessage[] {
  return readingTimes(device, fromMs, toMs).map((t) => readingAt(device, t));
}

/** Whether the device can reach the server at t (network outages hold readings back). */
export function isOnline(device: SimDevice, tMs: number): boolean {
  return outageAt(device, tMs) === null;
}
