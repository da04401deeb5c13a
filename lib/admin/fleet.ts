import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { Prisma } from "@/lib/db/generated/client";
import { DEFAULT_STATUS_THRESHOLDS } from "@/lib/quality/status";
import { csvField } from "./csv";
import { FLEET_CSV_COLUMNS, type FleetPage, type FleetQuery, type FleetRow, type FleetSort } from "./fleet-query";

/**
 * The fleet table in one SQL statement so it stays fast at 10k+ devices:
 * filtering, sorting and paging happen in PostgreSQL; the latest quality
 * hour is one index probe per device (DeviceHour's primary key) and last seen
 * comes from the ingest sequence guard (ingest.device_state); earnings are
 * one primary-key probe per device into the latest finalized epoch.
 */
const SORT_SQL: Record<FleetSort, Prisma.Sql> = {
  address: Prisma.sql`f.address`,
  serial: Prisma.sql`f.serial`,
  model: Prisma.sql`f.model`,
  firmware: Prisma.sql`f.firmware`,
  status: Prisma.sql`f.status_rank`,
  lastSeen: Prisma.sql`f.last_seen_at`,
  quality: Prisma.sql`f.quality`,
  battery: Prisma.sql`f.battery`,
  owner: Prisma.sql`f.owner`,
  claimed: Prisma.sql`f.claimed_at`,
  active: Prisma.sql`f.active`,
  earnings: Prisma.sql`f.earned_sort`,
};

interface RawFleetRow {
  address: string;
  serial: string | null;
  model: string;
  firmware: string | null;
  active: boolean;
  owner: string | null;
  claimed_at: Date | null;
  last_seen_at: Date | null;
  status: FleetRow["status"];
  quality: number | null;
  battery: number | null;
  earned: string | null;
  last_epoch_earned: string | null;
}

function fleetCte(projectId: number, now: Date): Prisma.Sql {
  const onlineSince = new Date(now.getTime() - DEFAULT_STATUS_THRESHOLDS.onlineMs);
  const staleSince = new Date(now.getTime() - DEFAULT_STATUS_THRESHOLDS.staleMs);
  return Prisma.sql`
    WITH fleet AS (
      SELECT d.address, COALESCE(m.serial, d.serial) AS serial, d.model, m.firmware, d.active,
             d."ownerAddress" AS owner, d."claimedAt" AS claimed_at, s.last_seen_at,
             CASE WHEN s.last_seen_at >= ${onlineSince} THEN 'online' WHEN s.last_seen_at >= ${staleSince} THEN 'stale' ELSE 'offline' END AS status,
             CASE WHEN s.last_seen_at >= ${onlineSince} THEN 0 WHEN s.last_seen_at >= ${staleSince} THEN 1 ELSE 2 END AS status_rank,
             q."qualityScore" AS quality,
             (q.sensors -> 'battery' ->> 'mean')::float8 AS battery,
             r.cumulative AS earned_sort, r.cumulative::text AS earned, r.amount::text AS last_epoch_earned
      FROM "Device" d
      LEFT JOIN "AdminDeviceMetadata" m ON m.address = d.address
      LEFT JOIN ingest.device_state s ON s.device = decode(substr(d.address, 3), 'hex')
      LEFT JOIN LATERAL (
        SELECT h."qualityScore", h.sensors FROM "DeviceHour" h WHERE h.device = d.address ORDER BY h."hourStart" DESC LIMIT 1
      ) q ON true
      -- Uncorrelated, so PostgreSQL evaluates the latest finalized epoch once (an InitPlan), not per device.
      LEFT JOIN "RewardDeviceEpoch" r ON r.device = d.address AND r."epochId" = (
        SELECT e.id FROM "RewardEpoch" e WHERE e."projectId" = ${projectId} AND e.status = 'confirmed' ORDER BY e.epoch DESC LIMIT 1
      )
      WHERE d."projectId" = ${projectId}
    )`;
}

function whereSql(query: FleetQuery): Prisma.Sql {
  const conditions: Prisma.Sql[] = [Prisma.sql`true`];
  if (query.q) {
    const text = query.q.toLowerCase();
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      Prisma.sql`(f.address LIKE ${`${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} OR lower(f.serial) LIKE ${like} OR lower(f.model) LIKE ${like} OR lower(f.firmware) LIKE ${like} OR lower(f.owner) LIKE ${like})`,
    );
  }
  if (query.status) conditions.push(Prisma.sql`f.status = ${query.status}`);
  if (query.active !== undefined) conditions.push(Prisma.sql`f.active = ${query.active}`);
  if (query.claimed !== undefined) conditions.push(query.claimed ? Prisma.sql`f.owner IS NOT NULL` : Prisma.sql`f.owner IS NULL`);
  if (query.firmware) conditions.push(Prisma.sql`f.firmware = ${query.firmware}`);
  if (query.qualityBelow !== undefined) conditions.push(Prisma.sql`f.quality < ${query.qualityBelow}`);
  if (query.batteryBelow !== undefined) conditions.push(Prisma.sql`f.battery < ${query.batteryBelow}`);
  return Prisma.join(conditions, " AND ");
}

function toRow(raw: RawFleetRow): FleetRow {
  return {
    address: raw.address,
    serial: raw.serial,
    model: raw.model,
    firmware: raw.firmware,
    active: raw.active,
    owner: raw.owner,
    claimedAt: raw.claimed_at?.toISOString() ?? null,
    lastSeenAt: raw.last_seen_at?.toISOString() ?? null,
    status: raw.status,
    quality: raw.quality,
    battery: raw.battery === null ? null : Math.round(raw.battery),
    earned: raw.earned,
    lastEpochEarned: raw.last_epoch_earned,
  };
}

export async function fleetPage(db: PrismaClient, projectId: number, query: FleetQuery, now = new Date()): Promise<FleetPage> {
  const direction = query.dir === "desc" ? Prisma.sql`DESC NULLS LAST` : Prisma.sql`ASC NULLS LAST`;
  const offset = (query.page - 1) * query.pageSize;
  const rows = await db.$queryRaw<Array<RawFleetRow & { total: bigint }>>`
    ${fleetCte(projectId, now)}
    SELECT f.address, f.serial, f.model, f.firmware, f.active, f.owner, f.claimed_at, f.last_seen_at, f.status, f.quality, f.battery,
           f.earned, f.last_epoch_earned, count(*) OVER () AS total
    FROM fleet f WHERE ${whereSql(query)}
    ORDER BY ${SORT_SQL[query.sort]} ${direction}, f.address ASC
    LIMIT ${query.pageSize} OFFSET ${offset}`;
  let total = rows.length > 0 ? Number(rows[0]!.total) : 0;
  if (rows.length === 0 && offset > 0) {
    const counted = await db.$queryRaw<Array<{ total: bigint }>>`${fleetCte(projectId, now)} SELECT count(*) AS total FROM fleet f WHERE ${whereSql(query)}`;
    total = Number(counted[0]?.total ?? 0);
  }
  return { rows: rows.map(toRow), total, page: query.page, pageSize: query.pageSize };
}

/**
 * The filtered fleet as CSV, produced in chunks of `chunkSize` devices (keyset
 * on the address) so memory stays flat whatever the fleet's size. The view's
 * sort is not applied: an export is for spreadsheets, which sort themselves.
 */
export function fleetCsvStream(db: PrismaClient, projectId: number, query: FleetQuery, { now = new Date(), chunkSize = 2_000 } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let after = "";
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(`${FLEET_CSV_COLUMNS.map((c) => c.header).join(",")}\r\n`));
        }
        const rows = await db.$queryRaw<RawFleetRow[]>`
          ${fleetCte(projectId, now)}
          SELECT * FROM fleet f WHERE ${whereSql(query)} AND f.address > ${after}
          ORDER BY f.address ASC LIMIT ${chunkSize}`;
        if (rows.length === 0) return controller.close();
        after = rows[rows.length - 1]!.address;
        const lines = rows.map(toRow).map((row) => FLEET_CSV_COLUMNS.map(({ key }) => csvField(row[key])).join(",")).join("\r\n");
        controller.enqueue(encoder.encode(`${lines}\r\n`));
        if (rows.length < chunkSize) controller.close();
      } catch (error) {
        controller.error(error);
      }
    },
  });
}

export interface FirmwareCount {
  firmware: string | null;
  count: number;
}

export async function firmwareDistribution(db: PrismaClient, projectId: number): Promise<FirmwareCount[]> {
  const rows = await db.$queryRaw<Array<{ firmware: string | null; count: bigint }>>`
    SELECT m.firmware, count(*) AS count FROM "Device" d LEFT JOIN "AdminDeviceMetadata" m ON m.address = d.address
    WHERE d."projectId" = ${projectId} GROUP BY m.firmware ORDER BY count(*) DESC, m.firmware ASC NULLS LAST`;
  return rows.map((row) => ({ firmware: row.firmware, count: Number(row.count) }));
}
