import "server-only";
import pg from "pg";
import { bytesToHex, hexToBytes, type Hex } from "viem";
import type { TelemetryMessage } from "./message";

/**
 * PostgreSQL access for the ingest hot path (schema `ingest`, migration
 * *_ingest_telemetry): plain pg, one transaction per batch, array parameters
 * with unnest so a batch is one INSERT whatever its size.
 */

export type Transport = "http" | "mqtt";

/** One accepted message as stored; `device` is the lowercase address. */
export interface TelemetryRow {
  device: string;
  message: TelemetryMessage;
  transport: Transport;
  digest: Hex;
  encoded: Uint8Array;
  signature: Hex;
}

export interface DeviceState {
  lastSequence: bigint | null;
}

/** The app's ingest pool, one per process (kept on globalThis across Next.js reloads). */
export function sharedIngestPool(databaseUrl: string): pg.Pool {
  const holder = globalThis as typeof globalThis & { __depinhubIngestPool?: pg.Pool };
  holder.__depinhubIngestPool ??= createIngestPool(databaseUrl);
  return holder.__depinhubIngestPool;
}

export function createIngestPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on("error", (error) => console.error("[ingest] idle database client failed:", error.message));
  return pool;
}

const addressBytes = (address: string): Buffer => Buffer.from(hexToBytes(address as Hex));
const hexBytes = (hex: Hex): Buffer => Buffer.from(hexToBytes(hex));
const isoTime = (ms: number): string => new Date(ms).toISOString();
const dupKey = (device: string, sequence: bigint): string => `${device}:${sequence}`;

/** Runs `work` in one transaction on one pooled connection; rolls back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // pg-pool listens for errors only on idle clients. A checked-out one whose server goes away
  // between two statements (a database restart) emits 'error' with no listener, which kills
  // the process; here it fails this transaction instead, and the client is discarded.
  let lost: Error | undefined;
  const onError = (error: Error) => {
    lost = error;
  };
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    if (!lost) await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.removeListener("error", onError);
    client.release(lost);
  }
}

/**
 * Locks the state rows of `devices` until the transaction ends, creating
 * missing ones. Sorted, so two batches touching the same devices lock them in
 * the same order and cannot deadlock.
 */
export async function lockDeviceStates(client: pg.PoolClient, devices: readonly string[]): Promise<Map<string, DeviceState>> {
  const sorted = [...new Set(devices)].sort();
  const keys = sorted.map(addressBytes);
  await client.query(
    "INSERT INTO ingest.device_state (device) SELECT unnest($1::bytea[]) ORDER BY 1 ON CONFLICT (device) DO NOTHING",
    [keys],
  );
  const { rows } = await client.query<{ device: Buffer; last_sequence: string | null }>(
    "SELECT device, last_sequence FROM ingest.device_state WHERE device = ANY($1::bytea[]) ORDER BY device FOR UPDATE",
    [keys],
  );
  return new Map(
    rows.map((row) => [bytesToHex(row.device), { lastSequence: row.last_sequence === null ? null : BigInt(row.last_sequence) }]),
  );
}

/** Digests already stored for these messages' (device, sequence, timestamp); keyed by `${device}:${sequence}`. */
export async function findStoredDigests(
  client: pg.PoolClient,
  messages: ReadonlyArray<{ device: string; message: TelemetryMessage }>,
): Promise<Map<string, Hex>> {
  if (messages.length === 0) return new Map();
  // measured_at is the partition key: with it each probe touches one partition.
  const { rows } = await client.query<{ device: Buffer; sequence: string; digest: Buffer }>(
    `SELECT t.device, t.sequence::text AS sequence, t.digest
       FROM unnest($1::bytea[], $2::numeric[], $3::timestamptz[]) AS k(device, sequence, measured_at)
       JOIN ingest.telemetry t USING (device, sequence, measured_at)`,
    [
      messages.map((m) => addressBytes(m.device)),
      messages.map((m) => m.message.sequence.toString()),
      messages.map((m) => isoTime(m.message.timestamp)),
    ],
  );
  return new Map(rows.map((row) => [dupKey(bytesToHex(row.device), BigInt(row.sequence)), bytesToHex(row.digest)]));
}

export { dupKey };

/** Appends the accepted rows with one INSERT. */
export async function insertTelemetry(client: pg.PoolClient, rows: readonly TelemetryRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <T>(pick: (message: TelemetryMessage) => T | undefined): Array<T | null> => rows.map((r) => pick(r.message) ?? null);
  await client.query(
    `INSERT INTO ingest.telemetry (device, sequence, measured_at, transport, digest, encoded, signature,
        lat_e6, lon_e6, accuracy_cm, temperature_centi_c, humidity_centi_pct, pm25_deci_ug_m3, pm10_deci_ug_m3,
        light_centi_lux, pressure_pa, speed_cm_s, heading_centi_deg, battery_pct, firmware)
     SELECT * FROM unnest($1::bytea[], $2::numeric[], $3::timestamptz[], $4::text[], $5::bytea[], $6::bytea[], $7::bytea[],
        $8::int[], $9::int[], $10::int[], $11::smallint[], $12::int[], $13::int[], $14::int[],
        $15::int[], $16::int[], $17::int[], $18::int[], $19::smallint[], $20::text[])`,
    [
      rows.map((r) => addressBytes(r.device)),
      rows.map((r) => r.message.sequence.toString()),
      rows.map((r) => isoTime(r.message.timestamp)),
      rows.map((r) => r.transport),
      rows.map((r) => hexBytes(r.digest)),
      rows.map((r) => Buffer.from(r.encoded)),
      rows.map((r) => hexBytes(r.signature)),
      column((m) => m.position?.latE6),
      column((m) => m.position?.lonE6),
      column((m) => m.position?.accuracyCm),
      column((m) => m.temperatureCentiC),
      column((m) => m.humidityCentiPct),
      column((m) => m.pm25DeciUgM3),
      column((m) => m.pm10DeciUgM3),
      column((m) => m.lightCentiLux),
      column((m) => m.pressurePa),
      column((m) => m.speedCmS),
      column((m) => m.headingCentiDeg),
      column((m) => m.batteryPct),
      column((m) => m.firmware),
    ],
  );
}

/** Moves each device's state to its last accepted row of this batch (rows are in acceptance order). */
export async function advanceDeviceStates(client: pg.PoolClient, rows: readonly TelemetryRow[]): Promise<void> {
  const last = new Map<string, { row: TelemetryRow; count: number }>();
  for (const row of rows) last.set(row.device, { row, count: (last.get(row.device)?.count ?? 0) + 1 });
  if (last.size === 0) return;
  const updates = [...last.values()];
  await client.query(
    `UPDATE ingest.device_state s
        SET last_sequence = u.sequence, last_measured_at = u.measured_at, last_digest = u.digest,
            last_seen_at = now(), message_count = s.message_count + u.count,
            -- The map refresh's cursor (lib/map/refresh.ts): which transaction changed the row.
            changed_xid = pg_current_xact_id()
       FROM unnest($1::bytea[], $2::numeric[], $3::timestamptz[], $4::bytea[], $5::bigint[])
            AS u(device, sequence, measured_at, digest, count)
      WHERE s.device = u.device`,
    [
      updates.map((u) => addressBytes(u.row.device)),
      updates.map((u) => u.row.message.sequence.toString()),
      updates.map((u) => isoTime(u.row.message.timestamp)),
      updates.map((u) => hexBytes(u.row.digest)),
      updates.map((u) => u.count),
    ],
  );
}
