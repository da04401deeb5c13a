import "server-only";
import { Prisma } from "../db/generated/client";

/**
 * Columns of map_device the map sends per device, the exact fix only when the viewer may see it
 * (owner, project admin or operator: the rule of canSeeExactLocation, in SQL).
 */
export function mapDeviceSelect(viewer: string | null): Prisma.Sql {
  return Prisma.sql`
    SELECT m.device, p.slug AS "projectSlug", p.name AS "projectName", m."cellR7", m."publicLat", m."publicLon", m."lastSeenAt",
           m.pm25, m.temperature, m.humidity, m.light, m."qualityScore", m."uptimePct", e.allowed AS "canSeeExact",
           CASE WHEN e.allowed THEN m.lat END AS lat, CASE WHEN e.allowed THEN m.lon END AS lon
    FROM map_device m
    JOIN "Device" d ON d.address = m.device
    JOIN "Project" p ON p.id = m."projectId"
    CROSS JOIN LATERAL (SELECT ${viewer}::text IS NOT NULL AND (
        lower(d."ownerAddress") = lower(${viewer}::text) OR lower(p."adminAddress") = lower(${viewer}::text)
        OR EXISTS (SELECT 1 FROM "ProjectOperator" o WHERE o."projectId" = p.id AND lower(o.address) = lower(${viewer}::text))) AS allowed) e`;
}

