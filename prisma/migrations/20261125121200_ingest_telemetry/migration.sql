-- Raw signed device telemetry (docs/device-protocol.md), hand-written: it lives in its
-- own schema `ingest`, which Prisma's schema diff (public only) does not manage.
-- Written by lib/ingest/store.ts with pg; never updated or deleted (evidence for rewards).

CREATE SCHEMA IF NOT EXISTS ingest;

-- One row per accepted message. Partitioned by day of the signed timestamp: the clock
-- window (now - 24 h … now + 5 min) keeps inserts in at most three partitions, a
-- duplicate lookup (device, sequence, measured_at) prunes to one, and retention or
-- archiving is a DETACH PARTITION instead of a DELETE.
CREATE TABLE ingest.telemetry (
    device              BYTEA          NOT NULL,  -- 20-byte address
    sequence            NUMERIC(20, 0) NOT NULL,  -- uint64 (above bigint's range)
    measured_at         TIMESTAMPTZ    NOT NULL,  -- the signed timestamp
    received_at         TIMESTAMPTZ    NOT NULL DEFAULT now(),
    transport           TEXT           NOT NULL,  -- 'http' | 'mqtt'
    digest              BYTEA          NOT NULL,  -- keccak256 of the EIP-191 envelope
    encoded             BYTEA          NOT NULL,  -- canonical bytes the device signed
    signature           BYTEA          NOT NULL,  -- r || s || v
    -- Decoded readings (redundant with `encoded`, typed for aggregates); NULL = absent.
    lat_e6              INTEGER,
    lon_e6              INTEGER,
    accuracy_cm         INTEGER,
    temperature_centi_c SMALLINT,
    humidity_centi_pct  INTEGER,
    pm25_deci_ug_m3     INTEGER,
    pm10_deci_ug_m3     INTEGER,
    light_centi_lux     INTEGER,
    pressure_pa         INTEGER,
    speed_cm_s          INTEGER,
    heading_centi_deg   INTEGER,
    battery_pct         SMALLINT,
    firmware            TEXT,
    CONSTRAINT telemetry_sequence_uint64 CHECK (sequence >= 0 AND sequence <= 18446744073709551615),
    CONSTRAINT telemetry_device_20_bytes CHECK (octet_length(device) = 20),
    PRIMARY KEY (device, sequence, measured_at)
) PARTITION BY RANGE (measured_at);

-- Time-range scans for epochs; BRIN stays tiny on append-mostly time-ordered data.
CREATE INDEX telemetry_measured_at_brin ON ingest.telemetry USING BRIN (measured_at);

-- Catches rows whose day has no partition yet, so an insert is never refused.
-- ensure_telemetry_partitions moves them out when it creates their day.
CREATE TABLE ingest.telemetry_default PARTITION OF ingest.telemetry DEFAULT;

-- The per-device sequence guard. Ingest locks these rows FOR UPDATE (in device order)
-- for the length of a batch's transaction, so sequences stay strictly increasing
-- with any number of app instances.
CREATE TABLE ingest.device_state (
    device           BYTEA PRIMARY KEY,
    last_sequence    NUMERIC(20, 0),  -- NULL before the first accepted message
    last_measured_at TIMESTAMPTZ,
    last_digest      BYTEA,
    last_seen_at     TIMESTAMPTZ,
    message_count    BIGINT NOT NULL DEFAULT 0
);

-- Creates the daily partitions [first_day, first_day + days) that are missing, moving
-- any rows of those days out of the default partition first. Idempotent and safe to
-- call from several processes (advisory lock). Returns how many it created.
CREATE FUNCTION ingest.ensure_telemetry_partitions(first_day DATE, days INTEGER) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    day     DATE;
    name    TEXT;
    day_lo  TIMESTAMPTZ;
    day_hi  TIMESTAMPTZ;
    created INTEGER := 0;
BEGIN
    FOR i IN 0 .. days - 1 LOOP
        day := first_day + i;
        name := 'telemetry_' || to_char(day, 'YYYYMMDD');
        CONTINUE WHEN to_regclass('ingest.' || name) IS NOT NULL;
        PERFORM pg_advisory_xact_lock(hashtext('ingest.ensure_telemetry_partitions'));
        CONTINUE WHEN to_regclass('ingest.' || name) IS NOT NULL;
        -- Days are UTC days whatever the session's TimeZone.
        day_lo := day::timestamp AT TIME ZONE 'UTC';
        day_hi := (day + 1)::timestamp AT TIME ZONE 'UTC';
        EXECUTE format('CREATE TABLE ingest.%I (LIKE ingest.telemetry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
        EXECUTE format('INSERT INTO ingest.%I SELECT * FROM ingest.telemetry_default WHERE measured_at >= %L AND measured_at < %L', name, day_lo, day_hi);
        EXECUTE format('DELETE FROM ingest.telemetry_default WHERE measured_at >= %L AND measured_at < %L', day_lo, day_hi);
        EXECUTE format('ALTER TABLE ingest.telemetry ATTACH PARTITION ingest.%I FOR VALUES FROM (%L) TO (%L)', name, day_lo, day_hi);
        created := created + 1;
    END LOOP;
    RETURN created;
END
$$;

-- Append-only: UPDATE, DELETE and TRUNCATE through the parent table are refused.
-- Retention is deliberate DDL (DETACH / DROP of a whole day's partition).
CREATE FUNCTION ingest.refuse_telemetry_change() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ingest.telemetry is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER telemetry_append_only
    BEFORE UPDATE OR DELETE OR TRUNCATE ON ingest.telemetry
    FOR EACH STATEMENT EXECUTE FUNCTION ingest.refuse_telemetry_change();

-- Yesterday through a week ahead; the worker job keeps the window moving.
SELECT ingest.ensure_telemetry_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9);
