import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { firmwareDistribution, type FirmwareCount } from "./fleet";

export interface HealthHour {
  hourStart: string;
  /** Devices registered by the end of the hour. */
  registered: number;
  /** Devices that delivered data during the hour (a DeviceHour with online minutes). */
  online: number;
  /** Mean quality score of the hour's scored devices; null when none. */
  meanQuality: number | null;
}

export interface FleetHealth {
  hours: HealthHour[];
  firmware: FirmwareCount[];
}

/** Online/offline per finished UTC hour and the quality trend, over the last `hours` hours. */
export async function fleetHealth(db: PrismaClient, projectId: number, { hours = 48, now = new Date() } = {}): Promise<FleetHealth> {
  const end = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 3_600_000);
  const start = new Date(end.getTime() - (hours - 1) * 3_600_000);
  const rows = await db.$queryRaw<Array<{ hour: Date; registered: bigint; online: bigint | null; mean_quality: number | null }>>`
    WITH hours AS (SELECT generate_series(${start}::timestamp, ${end}::timestamp, interval '1 hour') AS hour),
    scored AS (
      SELECT h."hourStart" AS hour, count(*) FILTER (WHERE h."onlineMinutes" > 0) AS online, avg(h."qualityScore")::float8 AS mean_quality
      FROM "DeviceHour" h JOIN "Device" d ON d.address = h.device
      WHERE d."projectId" = ${projectId} AND h."hourStart" >= ${start}::timestamp AND h."hourStart" <= ${end}::timestamp
      GROUP BY h."hourStart"
    )
    SELECT hours.hour,
           (SELECT count(*) FROM "Device" d WHERE d."projectId" = ${projectId} AND d."registeredAt" < hours.hour + interval '1 hour') AS registered,
           scored.online, scored.mean_quality
    FROM hours LEFT JOIN scored ON scored.hour = hours.hour ORDER BY hours.hour`;
  return {
    hours: rows.map((row) => ({
      hourStart: row.hour.toISOString(),
      registered: Number(row.registered),
      online: Number(row.online ?? 0),
      meanQuality: row.mean_quality === null ? null : Math.round(row.mean_quality * 10) / 10,
    })),
    firmware: await firmwareDistribution(db, projectId),
  };
}
