import type { City } from "./cities";
import { gaussian, hashString, valueNoise } from "./random";

/**
 * Physical sensor curves as pure functions of (city, time, device noise seed).
 * Values are physical units (°C, %RH, µg/m³, lx, Pa); telemetry.ts turns them
 * into the protocol's integers.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const rad = (deg: number) => (deg * Math.PI) / 180;

const NOISE = {
  weather: hashString("weather"),
  dew: hashString("dew"),
  cloud: hashString("cloud"),
  pollution: hashString("pollution"),
  pressure: hashString("pressure"),
  sample: hashString("sample"),
};

/** Day of year, 0…365 (UTC). */
function dayOfYear(tMs: number): number {
  const date = new Date(tMs);
  return (tMs - Date.UTC(date.getUTCFullYear(), 0, 1)) / DAY_MS;
}

/** Local mean solar time in hours [0, 24): noon is when the sun is highest. */
export function solarHour(lon: number, tMs: number): number {
  const utcHours = (tMs % DAY_MS) / HOUR_MS;
  return (((utcHours + lon / 15) % 24) + 24) % 24;
}

/** Local clock hour [0, 24) in the city's standard time: what rush hours follow. */
export function localHour(city: City, tMs: number): number {
  return ((((tMs / HOUR_MS + city.utcOffsetHours) % 24) + 24) % 24);
}

function isWeekend(city: City, tMs: number): boolean {
  const day = new Date(tMs + city.utcOffsetHours * HOUR_MS).getUTCDay();
  return day === 0 || day === 6;
}

/** Sun elevation above the horizon in degrees (simple declination + hour-angle model, ±1°). */
export function sunElevationDeg(lat: number, lon: number, tMs: number): number {
  const declination = -23.44 * Math.cos(rad((360 / 365) * (dayOfYear(tMs) + 10)));
  const hourAngle = 15 * (solarHour(lon, tMs) - 12);
  const sinElevation =
    Math.sin(rad(lat)) * Math.sin(rad(declination)) + Math.cos(rad(lat)) * Math.cos(rad(declination)) * Math.cos(rad(hourAngle));
  return (Math.asin(sinElevation) * 180) / Math.PI;
}

/** Cloud cover factor in [0.25, 1]: 1 is a clear sky. Shared by the whole city (same weather). */
function clearSky(city: City, tMs: number): number {
  const n = valueNoise(NOISE.cloud ^ hashString(city.name), tMs / (3 * HOUR_MS));
  return 0.625 + 0.375 * n;
}

/**
 * Air temperature: annual mean, a seasonal cosine (warmest in late July north
 * of the equator, late January south), a diurnal cosine peaking at 15:00 solar
 * time, multi-day weather swings, the device's calibration offset and noise.
 */
export function temperatureC(city: City, tMs: number, deviceSeed: number, offsetC: number): number {
  const warmestDay = city.lat >= 0 ? 200 : 20;
  const seasonal = city.seasonalSwingC * Math.cos(((2 * Math.PI) / 365) * (dayOfYear(tMs) - warmestDay));
  const diurnal = city.diurnalSwingC * Math.cos(((2 * Math.PI) / 24) * (solarHour(city.lon, tMs) - 15));
  const weather = 3 * valueNoise(NOISE.weather ^ hashString(city.name), tMs / (36 * HOUR_MS));
  const sensorNoise = 0.08 * gaussian(deviceSeed, NOISE.sample, tMs);
  return city.meanTempC + seasonal + diurnal + weather + offsetC + sensorNoise;
}

/**
 * Relative humidity from a slowly varying dew point (Magnus formula): with the
 * dew point nearly constant over a day, humidity falls as the air warms.
 */
export function humidityPct(city: City, tMs: number, temperature: number, deviceSeed: number): number {
  const dailyMean = temperatureC(city, tMs - (tMs % DAY_MS) + 15 * HOUR_MS, deviceSeed, 0) - city.diurnalSwingC * 0.5;
  const dewPoint = dailyMean - city.dewDepressionC + 1.5 * valueNoise(NOISE.dew ^ hashString(city.name), tMs / (12 * HOUR_MS));
  const magnus = (t: number) => Math.exp((17.625 * t) / (243.04 + t));
  const rh = (100 * magnus(dewPoint)) / magnus(temperature) + 0.8 * gaussian(deviceSeed, NOISE.sample, tMs, 3);
  return Math.min(100, Math.max(5, rh));
}

/**
 * PM2.5 and PM10: the city's background, a morning and an evening rush-hour
 * peak (smaller at weekends), slow multiplicative weather swings and sensor
 * noise. Devices in traffic (cars, bikes) breathe more of it.
 */
export function particulatesUgM3(city: City, tMs: number, deviceSeed: number, exposure: number): { pm25: number; pm10: number } {
  const h = localHour(city, tMs);
  const rush = 0.8 * Math.exp(-(((h - 8.25) / 1.2) ** 2)) + 0.6 * Math.exp(-(((h - 18) / 1.5) ** 2));
  const traffic = 1 + rush * (isWeekend(city, tMs) ? 0.4 : 1);
  const weather = Math.exp(0.45 * valueNoise(NOISE.pollution ^ hashString(city.name), tMs / (8 * HOUR_MS)));
  const noise = Math.exp(0.12 * gaussian(deviceSeed, NOISE.pollution, tMs));
  const pm25 = city.pm25 * traffic * weather * exposure * noise;
  const coarseRatio = 1.6 + 0.25 * valueNoise(deviceSeed ^ NOISE.pollution, tMs / HOUR_MS);
  return { pm25, pm10: pm25 * coarseRatio };
}

/** Illuminance: daylight scaled by sun elevation and clouds; streetlight or darkness at night. */
export function illuminanceLux(city: City, lat: number, lon: number, tMs: number, nightLux: number): number {
  const elevation = sunElevationDeg(lat, lon, tMs);
  if (elevation > 0) return Math.max(nightLux, 110_000 * Math.sin(rad(elevation)) ** 1.15 * clearSky(city, tMs));
  if (elevation > -6) return Math.max(nightLux, 400 * ((elevation + 6) / 6) ** 2); // civil twilight
  return nightLux;
}

/** Station pressure: barometric altitude correction plus synoptic drift and the semidiurnal tide. */
export function pressurePa(city: City, tMs: number, deviceSeed: number): number {
  const seaLevel = 101_325 + 1_300 * valueNoise(NOISE.pressure ^ hashString(city.name), tMs / (60 * HOUR_MS));
  const tide = 80 * Math.cos(((2 * Math.PI) / 12) * (solarHour(city.lon, tMs) - 10));
  return seaLevel * Math.exp(-city.altitudeM / 8_434) + tide + 6 * gaussian(deviceSeed, NOISE.pressure, tMs);
}
