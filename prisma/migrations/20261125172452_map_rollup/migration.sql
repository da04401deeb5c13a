-- AlterTable
ALTER TABLE "map_cursor" DROP COLUMN "seenUpTo",
ADD COLUMN     "bandsAt" TIMESTAMPTZ(6),
ADD COLUMN     "deviceUpTo" BYTEA,
ADD COLUMN     "xidUpTo" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "map_device" ADD COLUMN     "ageBand" SMALLINT NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "map_cell" (
    "res" SMALLINT NOT NULL,
    "cell" TEXT NOT NULL,
    "projectId" INTEGER NOT NULL,
    "band" SMALLINT NOT NULL,
    "lat" DOUBLE PRECISION,
    "lon" DOUBLE PRECISION,
    "devices" INTEGER NOT NULL,
    "pm25Sum" DECIMAL NOT NULL,
    "pm25N" INTEGER NOT NULL,
    "tempSum" DECIMAL NOT NULL,
    "tempN" INTEGER NOT NULL,
    "humSum" DECIMAL NOT NULL,
    "humN" INTEGER NOT NULL,
    "lightSum" DECIMAL NOT NULL,
    "lightN" INTEGER NOT NULL,
    "uptimeSum" DECIMAL NOT NULL,
    "uptimeN" INTEGER NOT NULL,
    "qualitySum" DECIMAL NOT NULL,
    "qualityN" INTEGER NOT NULL,

    CONSTRAINT "map_cell_pkey" PRIMARY KEY ("res","cell","projectId","band")
);

-- CreateIndex
CREATE INDEX "map_cell_res_lat_lon_idx" ON "map_cell"("res", "lat", "lon");

-- CreateIndex
CREATE INDEX "map_device_ageBand_lastSeenAt_idx" ON "map_device"("ageBand", "lastSeenAt");

-- ─── Hand-written part (Prisma does not model these) ───

-- The map refresh's cursor (lib/map/refresh.ts): the transaction that last changed the row.
-- Ingest sets it in the statement that advances the row (lib/ingest/store.ts); the refresh only
-- folds rows whose transaction is older than every running one (pg_snapshot_xmin), so a batch
-- that started earlier but commits later is never skipped. Not indexed: the refresh scans the
-- table (one row per device) and ingest's updates stay HOT.
ALTER TABLE ingest.device_state ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();

-- Age band of a last-seen time at `at` (UTC, as map_device stores it): 0 < 5 min (online), 1 < 1 h,
-- 2 < 24 h, 3 < 7 d, 4 older. The map's windows (lib/map/viewport-params.ts) are unions of bands.
CREATE FUNCTION map_age_band(seen TIMESTAMP, at TIMESTAMP) RETURNS SMALLINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN seen >= at - interval '5 minutes' THEN 0
              WHEN seen >= at - interval '1 hour' THEN 1
              WHEN seen >= at - interval '24 hours' THEN 2
              WHEN seen >= at - interval '7 days' THEN 3
              ELSE 4 END::smallint
$$;

-- A row's band follows its lastSeenAt when that changes; the refresh job ages unchanged rows.
CREATE FUNCTION map_device_set_band() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."lastSeenAt" IS DISTINCT FROM OLD."lastSeenAt" THEN
    NEW."ageBand" := map_age_band(NEW."lastSeenAt", (now() AT TIME ZONE 'UTC')::timestamp);
  END IF;
  RETURN NEW;
END $$;

-- Keeps map_cell equal to map_device grouped by (resolution, cell, project, band): every
-- statement on map_device adds its new rows and subtracts its old ones, per resolution 2–7.
CREATE FUNCTION map_cell_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  source TEXT := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
    WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
    ELSE 'SELECT n.*, 1 AS sign FROM new_rows n UNION ALL SELECT o.*, -1 AS sign FROM old_rows o' END;
  zero_res SMALLINT[];
  zero_cell TEXT[];
  zero_project INT[];
  zero_band SMALLINT[];
BEGIN
  EXECUTE format($q$
    WITH up AS (
      INSERT INTO map_cell AS m (res, cell, "projectId", band, devices, "pm25Sum", "pm25N", "tempSum", "tempN", "humSum", "humN",
                                 "lightSum", "lightN", "uptimeSum", "uptimeN", "qualitySum", "qualityN")
      SELECT c.res, c.cell, d."projectId", d."ageBand", sum(d.sign)::int,
             coalesce(sum(d.sign * d.pm25::numeric), 0), count(d.pm25) FILTER (WHERE d.sign > 0) - count(d.pm25) FILTER (WHERE d.sign < 0),
             coalesce(sum(d.sign * d.temperature::numeric), 0), count(d.temperature) FILTER (WHERE d.sign > 0) - count(d.temperature) FILTER (WHERE d.sign < 0),
             coalesce(sum(d.sign * d.humidity::numeric), 0), count(d.humidity) FILTER (WHERE d.sign > 0) - count(d.humidity) FILTER (WHERE d.sign < 0),
             coalesce(sum(d.sign * d.light::numeric), 0), count(d.light) FILTER (WHERE d.sign > 0) - count(d.light) FILTER (WHERE d.sign < 0),
             coalesce(sum(d.sign * d."uptimePct"::numeric), 0), count(d."uptimePct") FILTER (WHERE d.sign > 0) - count(d."uptimePct") FILTER (WHERE d.sign < 0),
             coalesce(sum(d.sign * d."qualityScore"::numeric), 0), count(d."qualityScore") FILTER (WHERE d.sign > 0) - count(d."qualityScore") FILTER (WHERE d.sign < 0)
      FROM (%s) d
      CROSS JOIN LATERAL (VALUES (2::smallint, d."cellR2"), (3::smallint, d."cellR3"), (4::smallint, d."cellR4"),
                                 (5::smallint, d."cellR5"), (6::smallint, d."cellR6"), (7::smallint, d."cellR7")) AS c(res, cell)
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4
      ON CONFLICT (res, cell, "projectId", band) DO UPDATE SET
        devices = m.devices + EXCLUDED.devices,
        "pm25Sum" = m."pm25Sum" + EXCLUDED."pm25Sum", "pm25N" = m."pm25N" + EXCLUDED."pm25N",
        "tempSum" = m."tempSum" + EXCLUDED."tempSum", "tempN" = m."tempN" + EXCLUDED."tempN",
        "humSum" = m."humSum" + EXCLUDED."humSum", "humN" = m."humN" + EXCLUDED."humN",
        "lightSum" = m."lightSum" + EXCLUDED."lightSum", "lightN" = m."lightN" + EXCLUDED."lightN",
        "uptimeSum" = m."uptimeSum" + EXCLUDED."uptimeSum", "uptimeN" = m."uptimeN" + EXCLUDED."uptimeN",
        "qualitySum" = m."qualitySum" + EXCLUDED."qualitySum", "qualityN" = m."qualityN" + EXCLUDED."qualityN"
      RETURNING m.res, m.cell, m."projectId", m.band, m.devices)
    SELECT array_agg(res), array_agg(cell), array_agg("projectId"), array_agg(band) FROM up WHERE devices = 0
  $q$, source) INTO zero_res, zero_cell, zero_project, zero_band;
  IF zero_res IS NOT NULL THEN
    DELETE FROM map_cell m USING unnest(zero_res, zero_cell, zero_project, zero_band) AS z(res, cell, project, band)
    WHERE m.res = z.res AND m.cell = z.cell AND m."projectId" = z.project AND m.band = z.band AND m.devices = 0;
  END IF;
  RETURN NULL;
END $$;

-- Existing rows: bands as of now, then the rollup from scratch, before the triggers exist.
UPDATE "map_device" SET "ageBand" = map_age_band("lastSeenAt", (now() AT TIME ZONE 'UTC')::timestamp);
INSERT INTO "map_cell" (res, cell, "projectId", band, devices, "pm25Sum", "pm25N", "tempSum", "tempN", "humSum", "humN",
                        "lightSum", "lightN", "uptimeSum", "uptimeN", "qualitySum", "qualityN")
SELECT c.res, c.cell, d."projectId", d."ageBand", count(*)::int,
       coalesce(sum(d.pm25::numeric), 0), count(d.pm25), coalesce(sum(d.temperature::numeric), 0), count(d.temperature),
       coalesce(sum(d.humidity::numeric), 0), count(d.humidity), coalesce(sum(d.light::numeric), 0), count(d.light),
       coalesce(sum(d."uptimePct"::numeric), 0), count(d."uptimePct"), coalesce(sum(d."qualityScore"::numeric), 0), count(d."qualityScore")
FROM "map_device" d
CROSS JOIN LATERAL (VALUES (2::smallint, d."cellR2"), (3::smallint, d."cellR3"), (4::smallint, d."cellR4"),
                           (5::smallint, d."cellR5"), (6::smallint, d."cellR6"), (7::smallint, d."cellR7")) AS c(res, cell)
GROUP BY 1, 2, 3, 4;
UPDATE "map_cursor" SET "bandsAt" = now();

CREATE TRIGGER map_device_band BEFORE INSERT OR UPDATE ON "map_device" FOR EACH ROW EXECUTE FUNCTION map_device_set_band();
CREATE TRIGGER map_cell_on_insert AFTER INSERT ON "map_device" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION map_cell_apply();
CREATE TRIGGER map_cell_on_update AFTER UPDATE ON "map_device" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION map_cell_apply();
CREATE TRIGGER map_cell_on_delete AFTER DELETE ON "map_device" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION map_cell_apply();
