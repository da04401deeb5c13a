import "server-only";
import type { Prisma } from "../db/generated/client";
import { toProjectionEvent, type ProjectionEvent } from "../indexer/events";
import { foldOrder } from "./order-fold";

type Tx = Prisma.TransactionClient;

/** Marketplace orders and device sales an indexed batch (or an undone reorg) touched. */
export interface MarketSubjects {
  orders: Set<bigint>;
  /** Lowercase device addresses whose DeviceSold history must be rewritten. */
  soldDevices: Set<string>;
}

export function marketSubjectsOf(events: Iterable<{ contract: string; name: string; args: unknown; device: string | null }>): MarketSubjects {
  const subjects: MarketSubjects = { orders: new Set(), soldDevices: new Set() };
  for (const event of events) {
    if (event.contract !== "Marketplace") continue;
    const args = event.args as Record<string, unknown>;
    if (typeof args.orderId === "string") subjects.orders.add(BigInt(args.orderId));
    if (event.name === "DeviceSold" && event.device) subjects.soldDevices.add(event.device);
  }
  return subjects;
}

/**
 * Rewrites MarketOrder and MarketDeviceSale rows of `subjects` from the
 * cursor's stored Marketplace events, like the Device and Project projections:
 * applying a batch and undoing a reorg are the same operation.
 */
export async function rebuildMarketProjections(tx: Tx, cursor: { id: number; chainId: number }, subjects: MarketSubjects): Promise<void> {
  for (const orderId of subjects.orders) await rebuildOrder(tx, cursor, orderId);
  if (subjects.soldDevices.size > 0) await rebuildSales(tx, cursor, [...subjects.soldDevices]);
}

async function rebuildOrder(tx: Tx, cursor: { id: number; chainId: number }, orderId: bigint): Promise<void> {
  const rows = await tx.chainEvent.findMany({
    where: { cursorId: cursor.id, contract: "Marketplace", args: { path: ["orderId"], equals: orderId.toString() } },
    select: { name: true, args: true, blockNumber: true, logIndex: true, blockTime: true, txHash: true },
    orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
  });
  const events = rows.map((row) => toProjectionEvent(row)).filter((event): event is ProjectionEvent => event !== null);
  const order = foldOrder(events);
  const key = { chainId_orderId: { chainId: cursor.chainId, orderId } };
  if (!order) {
    await tx.marketOrder.deleteMany({ where: { chainId: cursor.chainId, orderId } });
    return;
  }
  const createdTx = rows.find((row) => row.name === "OrderCreated")?.txHash ?? "";
  const listing = await listingFor(tx, order.onchainListingId);
  const fields = {
    listingId: listing,
    buyerAddress: order.buyer,
    sellerAddress: order.seller,
    token: order.token,
    pricePerUnit: order.pricePerUnit,
    totalUnits: order.totalUnits,
    deliveredUnits: order.deliveredUnits,
    releasedToSeller: order.releasedToSeller,
    feesPaid: order.feesPaid,
    refunded: order.refunded,
    feeBps: order.feeBps,
    status: order.status,
    createdAt: order.createdAt,
    expiresAt: order.expiresAt,
    lastActivityAt: order.lastActivityAt,
    createdTx,
  };
  await tx.marketOrder.upsert({ where: key, create: { chainId: cursor.chainId, orderId, ...fields }, update: fields });
}

/** The off-chain listing whose id hashes to `hash`, if any (an order may name no listing we know). */
async function listingFor(tx: Tx, hash: string): Promise<string | null> {
  return (await tx.marketListing.findUnique({ where: { onchainId: hash.toLowerCase() }, select: { id: true } }))?.id ?? null;
}

async function rebuildSales(tx: Tx, cursor: { id: number; chainId: number }, devices: string[]): Promise<void> {
  await tx.marketDeviceSale.deleteMany({ where: { chainId: cursor.chainId, device: { in: devices } } });
  const rows = await tx.chainEvent.findMany({
    where: { cursorId: cursor.id, contract: "Marketplace", name: "DeviceSold", device: { in: devices } },
    select: { name: true, args: true, blockNumber: true, logIndex: true, blockTime: true, txHash: true, device: true },
  });
  const sales = rows.flatMap((row) => {
    const event = toProjectionEvent(row);
    if (event?.name !== "DeviceSold" || !row.device) return [];
    const a = event.args;
    return [{ chainId: cursor.chainId, txHash: row.txHash, logIndex: row.logIndex, device: row.device, sellerAddress: a.seller, buyerAddress: a.buyer, token: a.token, price: a.price, fee: a.fee, soldAt: row.blockTime }];
  });
  if (sales.length > 0) await tx.marketDeviceSale.createMany({ data: sales });
}
