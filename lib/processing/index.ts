/** Processing in the worker: hourly aggregates and data-quality scores per device (DeviceHour). */
export { computeHour, type ComputeOptions, type DeviceHourValues } from "./compute-hour";
export { createHourlyProcessingJob, type HourlyJobOptions } from "./hourly-job";
export { processHour, type ProcessHourResult } from "./process-hour";
export { readHourReadings } from "./read-hour";
export { LATE_SLACK_MS, LOOKBACK_MS, staleHours, type StaleHoursScope } from "./stale-hours";
