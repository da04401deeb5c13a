-- Per-device time ranges (GET /api/devices/[address]/series|track, lib/ingest/series.ts):
-- the primary key (device, sequence, measured_at) cannot bound measured_at within a device,
-- so a 7-day series fell back to scanning whole day partitions (measured with
-- `npm run bench:series`). Costs one more btree entry per accepted message.
-- On a large existing table, create it per partition CONCURRENTLY first, then attach.
CREATE INDEX telemetry_device_measured_at ON ingest.telemetry (device, measured_at);
