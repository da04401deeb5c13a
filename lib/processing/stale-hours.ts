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
  const arrivals = await db.$queryRaw<Array<{ hour: Date; last_received: Date }>>`
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
  const computedAt = new Map(computed.map((c) => [c.hourStart.getTime(), c._min.computedAt?.getTime() ?? -Infinity]));
  const hours = new Set<number>();
  for (const { hour, last_received } of arrivals) {
    const at = computedAt.get(hour.getTime());
    if (at === undefined || last_received.getTime() >= at - lateSlackMs) hours.add(hour.getTime());
  }
  return [...hours].sort((a, b) => a - b).map((t) => new Date(t));
}
