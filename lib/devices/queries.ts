import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "@/lib/db/generated/client";
import { lastSeenByDevice } from "@/lib/ingest/device-activity";
import type { DevicePreview } from "./api-types";

/** What the chain index (Device/Project rows the indexer keeps in sync) says about one device. */
export async function devicePreview(db: PrismaClient, device: Address): Promise<DevicePreview> {
  const row = await db.device.findUnique({ where: { address: device.toLowerCase() }, include: { project: { select: { name: true, slug: true } } } });
  if (!row) {
    return { address: getAddress(device), registered: false, project: null, model: null, active: null, owner: null, claimedAt: null, lastSeenAt: null };
  }
  const lastSeen = await lastSeenByDevice(db, [device]);
  return {
    address: getAddress(row.address),
    registered: true,
    project: row.project,
    model: row.model,
    active: row.active,
    owner: row.ownerAddress ? getAddress(row.ownerAddress) : null,
    claimedAt: row.claimedAt?.toISOString() ?? null,
    lastSeenAt: lastSeen.get(row.address)?.toISOString() ?? null,
  };
}

export interface OwnedDevice {
  address: Address;
  projectName: string;
  model: string;
  serial: string | null;
  active: boolean;
  claimedAt: Date | null;
  lastSeenAt: Date | null;
}

/** Devices the index says `owner` holds, most recently claimed first. */
export async function ownedDevices(db: PrismaClient, owner: Address): Promise<OwnedDevice[]> {
  const rows = await db.device.findMany({
    // The indexer stores checksummed owners; insensitive so a lowercase writer would not hide devices.
    where: { ownerAddress: { equals: owner, mode: "insensitive" } },
    include: { project: { select: { name: true } } },
    orderBy: [{ claimedAt: { sort: "desc", nulls: "last" } }, { address: "asc" }],
  });
  const lastSeen = await lastSeenByDevice(db, rows.map((row) => row.address as Address));
  return rows.map((row) => ({
    address: getAddress(row.address),
    projectName: row.project.name,
    model: row.model,
    serial: row.serial,
    active: row.active,
    claimedAt: row.claimedAt,
    lastSeenAt: lastSeen.get(row.address) ?? null,
  }));
}
