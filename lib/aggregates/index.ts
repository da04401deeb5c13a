/** Per-device hourly aggregates: pure functions over decoded readings (no I/O). */
export { aggregateHour, DEFAULT_HOURLY_OPTIONS, HOUR_MS, type HourlyAggregate, type HourlyOptions, type SensorStats } from "./hourly";
export { haversineMeters } from "./geo";
export { METRICS, readingFromTelemetry, sortReadings, type DeviceReading, type MetricName, type Readings } from "./reading";
export { analyseTrack, DEFAULT_TRACK_OPTIONS, type TrackOptions } from "./track";
