import "server-only";
import { HOUR_MS } from "../aggregates";
import type { PrismaClient } from "../db/generated/client";
import { computeHour, type ComputeOptions } from "./compute-hour";
import { readHourReadings } from "./read-hour";

/** First key of the per-hour advisory lock (the second is the hour number since the epoch). */
const HOUR_LOCK_CLASS = 0x4a66;

export type ProcessHourResult = { status: "done"; devices: number } | { status: "locked" };

/**
 * (Re)computes every DeviceHour row of one hour in one transaction: read the
 * hour's telemetry, aggregate and score it, replace the hour's rows. Under a
 * transaction-scoped advisory lock, so with several workers each hour is
 * computed by one at a time; the others skip it ("locked") and the hour is
 * picked up again on a later run if it is still out of date.
 */
export async function processHour(db: PrismaClient, hourStart: Date, options: ComputeOptions = {}): Promise<ProcessHourResult> {
  const hourNumber = hourStart.getTime() / HOUR_MS;
  if (!Number.isInteger(hourNumber)) throw new RangeError(`${hourStart.toISOString()} is not a whole UTC hour`);
  return db.$transaction(
    async (tx) => {
      const locked = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${HOUR_LOCK_CLASS}::int4, ${hourNumber}::int4) AS locked`;
      if (locked[0]?.locked !== true) return { status: "locked" } as const;
      // The database clock, like received_at: the two are compared to find late rows,
      // so they must come from the same clock (not the worker's). Taken before the
      // read, so a row that arrives during it counts as late.
      const clock = await tx.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
      const now = clock[0]?.now;
      if (!now) throw new Error("SELECT now() returned no row");
      const rows = computeHour(await readHourReadings(tx, hourStart), hourStart, options);
      // Replace rather than upsert row by row: the hour's set of devices is
      // exactly what the telemetry says, and two statements beat one per device.
      await tx.deviceHour.deleteMany({ where: { hourStart } });
      await tx.deviceHour.createMany({ data: rows.map((row) => ({ ...row, computedAt: now })) });
      return { status: "done", devices: rows.length } as const;
    },
    // The demo fleet's hour (50 devices × 360 readings) takes well under a second;
    // the default 5 s would still be tight for a large fleet.
    { timeout: 120_000, maxWait: 10_000 },
  );
}
