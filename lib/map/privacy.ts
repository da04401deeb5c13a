/**
 * What of a device's position a viewer receives on the map: the public H3
 * res-7 cell centre always; the exact fix only when the server decided the
 * viewer is the owner or an admin/operator of the device's project. Pure, so
 * the rule is tested without a database.
 */
import type { DeviceStatus } from "@/lib/quality/status";

export interface MapDeviceRow {
  device: string;
  projectSlug: string;
  projectName: string;
  /** Exact fix: the query selects it only for viewers allowed to see it (null otherwise). */
  lat: number | null;
  lon: number | null;
  cellR7: string;
  publicLat: number;
  publicLon: number;
  lastSeenAt: Date;
  pm25: number | null;
  temperature: number | null;
  humidity: number | null;
  light: number | null;
  qualityScore: number | null;
  uptimePct: number | null;
  /** Decided by the server (owner / project admin / operator), never by the client. */
  canSeeExact: boolean;
}

export interface MapDevice {
  address: string;
  project: { slug: string; name: string };
  /** Public position: the centre of the res-7 cell (~5 km²). */
  cell: string;
  lat: number;
  lon: number;
  /** Present only for the device's owner and its project's admins/operators. */
  exact?: { lat: number; lon: number };
  status: DeviceStatus;
  lastSeenAt: string;
  quality: number | null;
  readings: { pm25: number | null; temperature: number | null; humidity: number | null; light: number | null; uptime: number | null };
}

export function mapDeviceForViewer(row: MapDeviceRow, status: DeviceStatus): MapDevice {
  const device: MapDevice = {
    address: row.device,
    project: { slug: row.projectSlug, name: row.projectName },
    cell: row.cellR7,
    lat: row.publicLat,
    lon: row.publicLon,
    status,
    lastSeenAt: row.lastSeenAt.toISOString(),
    quality: row.qualityScore,
    readings: { pm25: row.pm25, temperature: row.temperature, humidity: row.humidity, light: row.light, uptime: row.uptimePct },
  };
  if (row.canSeeExact && row.lat !== null && row.lon !== null) device.exact = { lat: row.lat, lon: row.lon };
  return device;
}
