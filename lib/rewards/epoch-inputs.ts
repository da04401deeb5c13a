import "server-only";
import type { Prisma } from "../db/generated/client";
import type { DeviceEpochInputs } from "./policy";

type Tx = Prisma.TransactionClient;

export interface SlottedDevice {
  device: string;
  slot: number;
}

/**
 * Gives every registered device of the project a slot, keeping existing ones: new devices take the next slots in
 * registration order (block, then address). Slots are append-only, so a batch's leaves stay where they were.
 */
export async function assignSlots(tx: Tx, projectId: number): Promise<SlottedDevice[]> {
  await tx.$executeRaw`
    INSERT INTO "RewardSlot" ("projectId", device, slot)
    SELECT ${projectId}, d.address,
           COALESCE((SELECT max(slot) + 1 FROM "RewardSlot" WHERE "projectId" = ${projectId}), 0)
             + row_number() OVER (ORDER BY d."registeredBlock" NULLS LAST, d."registeredAt", d.address) - 1
      FROM "Device" d
     WHERE d."projectId" = ${projectId}
       AND NOT EXISTS (SELECT 1 FROM "RewardSlot" s WHERE s."projectId" = ${projectId} AND s.device = d.address)`;
  return tx.$queryRaw<SlottedDevice[]>`
    SELECT device, slot FROM "RewardSlot" WHERE "projectId" = ${projectId} ORDER BY slot`;
}

interface InputRow {
  device: string;
  active: boolean;
  online_minutes: number;
  quality: number | null;
  cell: string | null;
  in_demand: boolean;
}

/**
 * Each slotted device's epoch inputs for [windowStart, windowEnd) (docs/rewards.md "Inputs"):
 * - onlineMinutes: distinct minutes (signed device clock) with at least one accepted message in the window;
 * - qualityScore: the hourly scores of the hours that end inside the window, weighted by their online minutes (floor);
 *   without any, the device's latest hourly score of an hour that ended by the window's end; without that, 0. Only
 *   hours finished by the window's end count (an hour belongs to the epoch it ends in), so the inputs depend on what
 *   was measured before the window ended, never on when the epoch happened to be computed (lib/rewards/readiness.ts);
 * - underserved: no other device of the project was online in the window in the device's latest H3 r7 cell;
 * - inDemand: a marketplace request (lib/market/requests.ts) that was open during the window (created before its
 *   end, neither expired nor closed before its start) covers the device's latest H3 r7 cell and asks for a metric the device reported
 *   in that latest hour;
 * - active: the registry's active flag.
 */
export async function readEpochInputs(
  tx: Tx,
  projectId: number,
  windowStart: Date,
  windowEnd: Date,
  slots: readonly SlottedDevice[],
): Promise<Map<string, DeviceEpochInputs>> {
  const rows = await tx.$queryRaw<InputRow[]>`
    WITH devices AS (
      SELECT d.address, d.active FROM "Device" d WHERE d."projectId" = ${projectId}
    ), minutes AS (
      SELECT '0x' || encode(t.device, 'hex') AS address, count(DISTINCT date_trunc('minute', t.measured_at))::int AS online_minutes
        FROM ingest.telemetry t
       WHERE t.measured_at >= ${windowStart} AND t.measured_at < ${windowEnd}
         AND '0x' || encode(t.device, 'hex') IN (SELECT address FROM devices)
       GROUP BY 1
    ), hours AS (
      SELECT h.device,
             CASE WHEN sum(h."onlineMinutes") > 0 THEN floor(sum(h."qualityScore" * h."onlineMinutes")::numeric / sum(h."onlineMinutes"))::int END AS quality
        FROM "DeviceHour" h
       WHERE h."hourStart" > ${windowStart}::timestamptz - interval '1 hour' AND h."hourStart" <= ${windowEnd}::timestamptz - interval '1 hour'
         AND h.device IN (SELECT address FROM devices)
       GROUP BY h.device
    ), latest AS (
      SELECT DISTINCT ON (h.device) h.device, h."qualityScore" AS quality, h."cellsR7"[1] AS cell, h.sensors
        FROM "DeviceHour" h
       WHERE h."hourStart" <= ${windowEnd}::timestamptz - interval '1 hour' AND h.device IN (SELECT address FROM devices)
       ORDER BY h.device, h."hourStart" DESC
    )
    SELECT d.address AS device, d.active, COALESCE(m.online_minutes, 0) AS online_minutes,
           COALESCE(h.quality, l.quality) AS quality, l.cell,
           EXISTS (
             SELECT 1 FROM "MarketRequest" r
              WHERE r."createdAt" < ${windowEnd} AND r."expiresAt" > ${windowStart}
                AND (r."closedAt" IS NULL OR r."closedAt" > ${windowStart})
                AND l.cell = ANY(r."cellsR7") AND l.sensors -> r.metric IS NOT NULL
           ) AS in_demand
      FROM devices d
      LEFT JOIN minutes m ON m.address = d.address
      LEFT JOIN hours h ON h.device = d.address
      LEFT JOIN latest l ON l.device = d.address`;
  const byDevice = new Map(rows.map((row) => [row.device, row]));
  const onlineInCell = new Map<string, number>();
  for (const row of rows) if (row.cell && row.online_minutes > 0) onlineInCell.set(row.cell, (onlineInCell.get(row.cell) ?? 0) + 1);

  const inputs = new Map<string, DeviceEpochInputs>();
  for (const { device } of slots) {
    const row = byDevice.get(device);
    const online = row ? Math.min(row.online_minutes, 65_535) : 0;
    const others = row?.cell ? (onlineInCell.get(row.cell) ?? 0) - (online > 0 ? 1 : 0) : 0;
    inputs.set(device, {
      onlineMinutes: online,
      qualityScore: Math.max(0, Math.min(100, row?.quality ?? 0)),
      underserved: Boolean(row?.cell) && others === 0,
      inDemand: row?.in_demand ?? false,
      active: row?.active ?? false,
    });
  }
  return inputs;
}
