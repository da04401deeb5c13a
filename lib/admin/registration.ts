import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "@/lib/db/generated/client";
import { DomainError } from "@/lib/http/errors";
import { recordAdminAction } from "./audit";

/** What the chain index knows about these addresses: lowercase address → on-chain project id. */
export async function registeredDevices(db: PrismaClient, chainId: number, addresses: readonly string[]): Promise<Record<string, string>> {
  const lower = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const rows = await db.device.findMany({
    where: { address: { in: lower }, project: { chainId } },
    select: { address: true, project: { select: { onchainId: true } } },
  });
  return Object.fromEntries(rows.filter((row) => row.project.onchainId !== null).map((row) => [row.address, String(row.project.onchainId)]));
}

export interface DeviceMetadataInput {
  address: Address;
  model: string;
  serial: string | null;
  firmware: string | null;
}

export class MetadataConflictError extends DomainError {
  constructor(readonly addresses: string[]) {
    super("metadata_conflict", `${addresses.length} device(s) belong to another project: ${addresses.slice(0, 5).map((a) => getAddress(a)).join(", ")}${addresses.length > 5 ? ", …" : ""}.`, 409);
  }
}

/**
 * Saves serial and firmware before the devices are registered on-chain, so the
 * fleet table shows them as soon as the indexer adds the rows. A device already
 * registered under, or described by, another project is refused: one project
 * must not overwrite another's records.
 */
export async function saveDeviceMetadata(db: PrismaClient, access: { projectId: number; actor: Address }, devices: readonly DeviceMetadataInput[]): Promise<{ saved: number }> {
  const addresses = devices.map((d) => d.address.toLowerCase());
  return db.$transaction(async (tx) => {
    const [foreignDevices, foreignMetadata] = await Promise.all([
      tx.device.findMany({ where: { address: { in: addresses }, projectId: { not: access.projectId } }, select: { address: true } }),
      tx.adminDeviceMetadata.findMany({ where: { address: { in: addresses }, projectId: { not: access.projectId } }, select: { address: true } }),
    ]);
    // Metadata of another project for a device that is not registered anywhere is a stale upload: it may be taken over.
    const registeredElsewhere = new Set(foreignDevices.map((d) => d.address));
    const described = foreignMetadata.map((m) => m.address).filter((address) => registeredElsewhere.has(address));
    const conflicts = [...new Set([...registeredElsewhere, ...described])];
    if (conflicts.length > 0) throw new MetadataConflictError(conflicts);
    const rows = devices.map((d) => ({ address: d.address.toLowerCase(), model: d.model, serial: d.serial, firmware: d.firmware }));
    // One statement for the whole upload instead of one upsert per device.
    await tx.$executeRaw`
      INSERT INTO "AdminDeviceMetadata" ("address", "projectId", "model", "serial", "firmware", "uploadedBy", "updatedAt")
      SELECT r."address", ${access.projectId}, r."model", r."serial", r."firmware", ${access.actor}, now()
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r("address" text, "model" text, "serial" text, "firmware" text)
      ON CONFLICT ("address") DO UPDATE SET "projectId" = EXCLUDED."projectId", "model" = EXCLUDED."model", "serial" = EXCLUDED."serial",
        "firmware" = EXCLUDED."firmware", "uploadedBy" = EXCLUDED."uploadedBy", "updatedAt" = EXCLUDED."updatedAt"`;
    await recordAdminAction(tx, { projectId: access.projectId, actor: access.actor, action: "devices.metadata", details: { count: devices.length } });
    return { saved: devices.length };
  });
}
