import "server-only";
import type { Address } from "viem";
import type { PrismaClient } from "@/lib/db/generated/client";

/** True when `viewer` owns the device or administers or operates its project (per the chain index). */
export async function canSeeExactLocation(db: PrismaClient, device: Address, viewer: Address | null): Promise<boolean> {
  if (!viewer) return false;
  const row = await db.device.findUnique({
    where: { address: device.toLowerCase() },
    select: { ownerAddress: true, project: { select: { adminAddress: true, operators: { where: { address: viewer }, select: { address: true } } } } },
  });
  if (!row) return false;
  const same = (a: string | null) => a !== null && a.toLowerCase() === viewer.toLowerCase();
  return same(row.ownerAddress) || same(row.project.adminAddress) || row.project.operators.length > 0;
}
