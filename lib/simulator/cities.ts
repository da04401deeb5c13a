/**
 * Cities the simulated fleet lives in, with the climate and pollution figures
 * the sensor models need. Values are rough climatology, good enough for
 * plausible curves (annual mean, seasonal and diurnal swing, typical PM2.5).
 */
export interface City {
  name: string;
  lat: number;
  lon: number;
  /** Standard time offset from UTC in hours (no daylight saving: the simulator does not need it). */
  utcOffsetHours: number;
  altitudeM: number;
  /** Annual mean temperature, °C. */
  meanTempC: number;
  /** Half the difference between the warmest and coldest month, °C. */
  seasonalSwingC: number;
  /** Half the typical day–night difference, °C. */
  diurnalSwingC: number;
  /** Typical difference between temperature and dew point, °C (larger = drier). */
  dewDepressionC: number;
  /** Typical urban background PM2.5, µg/m³. */
  pm25: number;
  /** Orientation of the street grid, degrees clockwise from north. */
  gridAngleDeg: number;
  /** Radius around the centre in which devices live, metres. */
  radiusM: number;
}

export const CITIES: readonly City[] = [
  { name: "Berlin", lat: 52.52, lon: 13.405, utcOffsetHours: 1, altitudeM: 34, meanTempC: 10, seasonalSwingC: 9.5, diurnalSwingC: 4.5, dewDepressionC: 4, pm25: 12, gridAngleDeg: 8, radiusM: 6_000 },
  { name: "Lisbon", lat: 38.7223, lon: -9.1393, utcOffsetHours: 0, altitudeM: 50, meanTempC: 17.5, seasonalSwingC: 5.5, diurnalSwingC: 4, dewDepressionC: 6, pm25: 9, gridAngleDeg: 25, radiusM: 4_000 },
  { name: "Nairobi", lat: -1.2921, lon: 36.8219, utcOffsetHours: 3, altitudeM: 1_795, meanTempC: 19, seasonalSwingC: 1.5, diurnalSwingC: 6, dewDepressionC: 8, pm25: 22, gridAngleDeg: 40, radiusM: 5_000 },
  { name: "Singapore", lat: 1.3521, lon: 103.8198, utcOffsetHours: 8, altitudeM: 15, meanTempC: 27.5, seasonalSwingC: 0.8, diurnalSwingC: 3, dewDepressionC: 3, pm25: 16, gridAngleDeg: 15, radiusM: 7_000 },
  { name: "São Paulo", lat: -23.5505, lon: -46.6333, utcOffsetHours: -3, altitudeM: 760, meanTempC: 19.5, seasonalSwingC: 3.5, diurnalSwingC: 5, dewDepressionC: 5, pm25: 18, gridAngleDeg: 32, radiusM: 8_000 },
  { name: "San Francisco", lat: 37.7749, lon: -122.4194, utcOffsetHours: -8, altitudeM: 16, meanTempC: 14.5, seasonalSwingC: 3, diurnalSwingC: 4, dewDepressionC: 3, pm25: 8, gridAngleDeg: 0, radiusM: 5_000 },
];
