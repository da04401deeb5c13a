import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import { mapDeviceSelect } from "@/lib/map/device-select";
import { deviceStatus, type DeviceStatus } from "@/lib/quality/status";

/** Most devices drawn on the health page's map (clustered); a larger fleet says how many were left out. */
export const FLEET_MAP_LIMIT = 20_000;

export interface FleetMapData {
  /** [longitude, latitude, status, quality (−1 unknown)] per device, compact for 10k+ devices. */
  points: Array<[number, number, DeviceStatus, number]>;
  /** Devices with a position (the map shows at most FLEET_MAP_LIMIT of them). */
  located: number;
  /** True when the positions are exact (the viewer may see them), false when public cell centres. */
  exact: boolean;
}

/**
 * The project's devices where they last reported. The exact fix comes through the map's own privacy select
 * (the canSeeExactLocation rule in SQL: owner, project admin or operator); anyone else would get cell centres.
 */
export async function fleetMapData(db: PrismaClient, projectId: number, viewer: string, now = new Date()): Promise<FleetMapData> {
  const rows = await db.$queryRaw<Array<{ lat: number | null; lon: number | null; publicLat: number; publicLon: number; lastSeenAt: Date; qualityScore: number | null; canSeeExact: boolean; total: bigint }>>`
    SELECT s.lat, s.lon, s."publicLat", s."publicLon", s."lastSeenAt", s."qualityScore", s."canSeeExact", count(*) OVER () AS total
      FROM (${mapDeviceSelect(viewer)} WHERE m."projectId" = ${projectId}) s
     ORDER BY s."lastSeenAt" DESC LIMIT ${FLEET_MAP_LIMIT}`;
  return {
    points: rows.map((row) => {
      const exact = row.canSeeExact && row.lat !== null && row.lon !== null;
      return [exact ? row.lon! : row.publicLon, exact ? row.lat! : row.publicLat, deviceStatus(row.lastSeenAt, now), row.qualityScore ?? -1];
    }),
    located: rows.length > 0 ? Number(rows[0]!.total) : 0,
    exact: rows.every((row) => row.canSeeExact),
  };
}
