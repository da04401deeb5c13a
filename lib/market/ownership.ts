import "server-only";
import type { Prisma } from "../db/generated/client";

type Tx = Prisma.TransactionClient;

export interface DepartedListings {
  /** Device-sale listings closed: the device is no longer the seller's to sell. */
  closed: string[];
  /** Feed and service listings paused: the seller can no longer deliver from every listed device. */
  paused: string[];
}

/**
 * Called by the indexer after it rewrote the ownership of `devices` (a Marketplace sale, a plain transfer, a
 * release, or a reorg undoing any of them): every listing that includes one of them and whose seller no longer
 * owns all its devices stops being offered. A device sale closes (it cannot be sold by someone else); a feed or
 * service pauses (the seller may reopen it only once they own every device again, lib/market/listings.ts).
 *
 * Open orders are left alone on purpose: their escrow stays under the contract's rules. Delivery is attested only
 * from devices the seller still owns (lib/market/attestation.ts), so an order whose devices left stops being
 * attested and the buyer gets the remainder back through the refund path (grace period or expiry).
 *
 * Never reopens anything: a listing is a seller's offer, and a device coming back is no reason to offer it again.
 */
export async function withdrawListingsOfDepartedDevices(tx: Tx, devices: readonly string[]): Promise<DepartedListings> {
  if (devices.length === 0) return { closed: [], paused: [] };
  const lowered = devices.map((device) => device.toLowerCase());
  const rows = await tx.$queryRaw<Array<{ id: string; kind: string }>>`
    UPDATE "MarketListing" l
       SET "status" = CASE WHEN l."kind" = 'DEVICE' THEN 'CLOSED' ELSE 'PAUSED' END::"MarketListingStatus",
           "updatedAt" = now()
     WHERE l."deviceAddresses" && ${lowered}::text[]
       AND (l."status" = 'ACTIVE' OR (l."kind" = 'DEVICE' AND l."status" = 'PAUSED'))
       AND EXISTS (
         SELECT 1 FROM unnest(l."deviceAddresses") AS listed(address)
          WHERE NOT EXISTS (
            SELECT 1 FROM "Device" d
             WHERE d."address" = listed.address AND lower(d."ownerAddress") = lower(l."sellerAddress")))
    RETURNING l."id", l."kind"::text AS kind`;
  return {
    closed: rows.filter((row) => row.kind === "DEVICE").map((row) => row.id),
    paused: rows.filter((row) => row.kind !== "DEVICE").map((row) => row.id),
  };
}

/** Listed devices (lowercase) that `seller` does not own according to the index. */
export async function devicesNotOwnedBy(tx: Tx, seller: string, devices: readonly string[]): Promise<string[]> {
  const owned = await tx.device.findMany({
    where: { address: { in: devices.map((device) => device.toLowerCase()) }, ownerAddress: { equals: seller, mode: "insensitive" } },
    select: { address: true },
  });
  const ownedSet = new Set(owned.map((row) => row.address));
  return devices.map((device) => device.toLowerCase()).filter((device) => !ownedSet.has(device));
}
