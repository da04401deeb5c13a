import "server-only";
import { HOUR_MS } from "../aggregates";
import type { PrismaClient } from "../db/generated/client";

/** How far back late (buffered) rows are looked for; the ingest clock window accepts readings up to 24 h old. */
export const LOOKBACK_MS = 48 * HOUR_MS;

/**
 * An ingest transaction stamps received_at when it starts but becomes visible
 * when it commits, so a row stamped a moment before computedAt may still have
 * been missing from the computation. Rows this close count as late: the hour is
 * computed once more, which costs little and gives the same rows if nothing was missed.
 */
export const LATE_SLACK_MS = 30_000;

/**
 * Finished hours that need (re)computing, oldest first: the just-finished hour
 * if not computed yet, and any hour of the last 48 h with telemetry that
 * arrived after (or just before) its last computation, or never computed.
 */
export async function staleHours(db: PrismaClient, now: number, lateSlackMs: number = LATE_SLACK_MS): Promise<Date[]> {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const since = new Date(currentHour - LOOKBACK_MS);
  const until = new Date(currentHour);
  // date_bin on timestamptz counts whole hours from the epoch whatever the session TimeZone.
  const arrivals = await db.$queryRaw<HourArrival[]>`
    SELECT date_bin('1 hour', measured_at, TIMESTAMPTZ 'epoch') AS hour, max(received_at) AS last_received
      FROM ingest.telemetry
     WHERE measured_at >= ${since} AND measured_at < ${until}
     GROUP BY 1`;
  // min: an hour is as fresh as its oldest row (all of an hour's rows are written together anyway).
  const computed = await db.deviceHour.groupBy({
    by: ["hourStart"],
    where: { hourStart: { gte: since, lt: until } },
    _min: { computedAt: true },
  });
  return outOfDate(arrivals, computed.flatMap((c) => (c._min.computedAt ? [{ hour: c.hourStart, computed_at: c._min.computedAt }] : [])), lateSlackMs);
}

/**
 * The hours starting in [from, until) with telemetry of the project's devices that the hourly job has not computed
 * yet, or has computed before some of it arrived, oldest first. Hours older than the job's lookback are never
 * computed again, so they are never waited for.
 */
export async function staleHoursOfProject(
  db: PrismaClient,
  projectId: number,
  range: { from: Date; until: Date },
  now: number,
  lateSlackMs: number = LATE_SLACK_MS,
): Promise<Date[]> {
  const finished = Math.floor(now / HOUR_MS) * HOUR_MS;
  const since = new Date(Math.max(range.from.getTime(), finished - LOOKBACK_MS));
  const until = new Date(Math.min(range.until.getTime(), finished));
  if (since >= until) return [];
  const arrivals = await db.$queryRaw<HourArrival[]>`
    SELECT date_bin('1 hour', t.measured_at, TIMESTAMPTZ 'epoch') AS hour, max(t.received_at) AS last_received
      FROM ingest.telemetry t
     WHERE t.measured_at >= ${since} AND t.measured_at < ${until}
       AND t.device IN (SELECT decode(substr(d.address, 3), 'hex') FROM "Device" d WHERE d."projectId" = ${projectId})
     GROUP BY 1`;
  // DeviceHour's columns are UTC timestamps without a zone: converted explicitly, whatever the session TimeZone.
  const computed = await db.$queryRaw<HourComputation[]>`
    SELECT h."hourStart" AT TIME ZONE 'UTC' AS hour, min(h."computedAt") AT TIME ZONE 'UTC' AS computed_at
      FROM "DeviceHour" h
     WHERE h."hourStart" >= (${since}::timestamptz AT TIME ZONE 'UTC') AND h."hourStart" < (${until}::timestamptz AT TIME ZONE 'UTC')
       AND h.device IN (SELECT d.address FROM "Device" d WHERE d."projectId" = ${projectId})
     GROUP BY h."hourStart"`;
  return outOfDate(arrivals, computed, lateSlackMs);
}

interface HourArrival {
  hour: Date;
  last_received: Date;
}

interface HourComputation {
  hour: Date;
  computed_at: Date;
}

function outOfDate(arrivals: readonly HourArrival[], computed: readonly HourComputation[], lateSlackMs: number): Date[] {
  const computedAt = new Map(computed.map((c) => [c.hour.getTime(), c.computed_at.getTime()]));
  const hours = new Set<number>();
  for (const { hour, last_received } of arrivals) {
    const at = computedAt.get(hour.getTime());
    if (at === undefined || last_received.getTime() >= at - lateSlackMs) hours.add(hour.getTime());
  }
  return [...hours].sort((a, b) => a - b).map((t) => new Date(t));
}
