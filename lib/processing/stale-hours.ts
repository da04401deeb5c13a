import "server-only";
import { HOUR_MS } from "../aggregates";
import { Prisma, type PrismaClient } from "../db/generated/client";

/** How far back late (buffered) rows are looked for; the ingest clock window accepts readings up to 24 h old. */
export const LOOKBACK_MS = 48 * HOUR_MS;

/**
 * An ingest transaction stamps received_at when it starts but becomes visible
 * when it commits, so a row stamped a moment before computedAt may still have
 * been missing from the computation. Rows this close count as late: the hour is
 * computed once more, which costs little and gives the same rows if nothing was missed.
 */
export const LATE_SLACK_MS = 30_000;

/** Which hours staleHours looks at: a project's devices only, and hours starting in [from, until) only. */
export interface StaleHoursScope {
  projectId?: number;
  from?: Date;
  until?: Date;
}

/**
 * Finished hours that need (re)computing, oldest first: the just-finished hour
 * if not computed yet, and any hour of the last 48 h with telemetry that
 * arrived after (or just before) its last computation, or never computed.
 * With a scope, only those hours and devices count (hours older than the
 * lookback are never recomputed, so a scope cannot reach them either).
 */
export async function staleHours(db: PrismaClient, now: number, lateSlackMs: number = LATE_SLACK_MS, scope: StaleHoursScope = {}): Promise<Date[]> {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const since = new Date(Math.max(scope.from?.getTime() ?? -Infinity, currentHour - LOOKBACK_MS));
  const until = new Date(Math.min(scope.until?.getTime() ?? Infinity, currentHour));
  if (since >= until) return [];
  const { projectId } = scope;
  const telemetryOfProject = projectId === undefined ? Prisma.empty : Prisma.sql`AND t.device IN (SELECT decode(substr(d.address, 3), 'hex') FROM "Device" d WHERE d."projectId" = ${projectId})`;
  const hoursOfProject = projectId === undefined ? Prisma.empty : Prisma.sql`AND h.device IN (SELECT d.address FROM "Device" d WHERE d."projectId" = ${projectId})`;
  // date_bin on timestamptz counts whole hours from the epoch whatever the session TimeZone.
  const arrivals = await db.$queryRaw<HourArrival[]>`
    SELECT date_bin('1 hour', t.measured_at, TIMESTAMPTZ 'epoch') AS hour, max(t.received_at) AS last_received
      FROM ingest.telemetry t
     WHERE t.measured_at >= ${since} AND t.measured_at < ${until}
       ${telemetryOfProject}
     GROUP BY 1`;
  // min: an hour is as fresh as its oldest row (all of an hour's rows are written together anyway). DeviceHour's
  // columns are UTC timestamps without a zone: converted explicitly, whatever the session TimeZone.
  const computed = await db.$queryRaw<HourComputation[]>`
    SELECT h."hourStart" AT TIME ZONE 'UTC' AS hour, min(h."computedAt") AT TIME ZONE 'UTC' AS computed_at
      FROM "DeviceHour" h
     WHERE h."hourStart" >= (${since}::timestamptz AT TIME ZONE 'UTC') AND h."hourStart" < (${until}::timestamptz AT TIME ZONE 'UTC')
       ${hoursOfProject}
     GROUP BY h."hourStart"`;
  const computedAt = new Map(computed.map((c) => [c.hour.getTime(), c.computed_at.getTime()]));
  const hours = new Set<number>();
  for (const { hour, last_received } of arrivals) {
    const at = computedAt.get(hour.getTime());
    if (at === undefined || last_received.getTime() >= at - lateSlackMs) hours.add(hour.getTime());
  }
  return [...hours].sort((a, b) => a - b).map((t) => new Date(t));
}

interface HourArrival {
  hour: Date;
  last_received: Date;
}

interface HourComputation {
  hour: Date;
  computed_at: Date;
}
