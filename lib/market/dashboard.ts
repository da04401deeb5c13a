import "server-only";
import { getAddress, type Address } from "viem";
import type { MarketOrder, PrismaClient } from "../db/generated/client";
import { listApiKeys, orderDeliverable, type KeyView } from "./api-keys";
import { browseListings, type ListingView } from "./listings";
import { requestsForOwner, type RequestMatch } from "./matching";

export interface OrderView {
  orderId: string;
  listingId: string | null;
  listingTitle: string | null;
  buyer: Address;
  seller: Address;
  pricePerUnit: string;
  totalUnits: string;
  deliveredUnits: string;
  releasedToSeller: string;
  feesPaid: string;
  refunded: string;
  status: string;
  /** Still delivering: not expired, not refunded. */
  live: boolean;
  createdAt: string;
  expiresAt: string;
}

async function orderViews(db: PrismaClient, orders: MarketOrder[], now: Date): Promise<OrderView[]> {
  const listingIds = [...new Set(orders.map((order) => order.listingId).filter((id): id is string => id !== null))];
  const listings = await db.marketListing.findMany({ where: { id: { in: listingIds } }, select: { id: true, title: true } });
  const titles = new Map(listings.map((listing) => [listing.id, listing.title]));
  return orders.map((order) => ({
    orderId: order.orderId.toString(),
    listingId: order.listingId,
    listingTitle: order.listingId ? (titles.get(order.listingId) ?? null) : null,
    buyer: getAddress(order.buyerAddress),
    seller: getAddress(order.sellerAddress),
    pricePerUnit: order.pricePerUnit.toString(),
    totalUnits: order.totalUnits.toString(),
    deliveredUnits: order.deliveredUnits.toString(),
    releasedToSeller: order.releasedToSeller.toString(),
    feesPaid: order.feesPaid.toString(),
    refunded: order.refunded.toString(),
    status: order.status,
    live: orderDeliverable(order, now),
    createdAt: order.createdAt.toISOString(),
    expiresAt: order.expiresAt.toISOString(),
  }));
}

export interface SellerDashboard {
  listings: ListingView[];
  orders: OrderView[];
  /** Paid out to the seller so far (orders and device sales), fees excluded. */
  income: string;
  /** Still in escrow for the seller's open orders. */
  pending: string;
  matches: RequestMatch[];
}

export async function sellerDashboard(db: PrismaClient, seller: Address, chainId: number, now = new Date()): Promise<SellerDashboard> {
  const address = getAddress(seller);
  const [page, orders, sales, matches] = await Promise.all([
    browseListings(db, { seller: address, sort: "newest", page: 1, pageSize: 50 }),
    db.marketOrder.findMany({ where: { chainId, sellerAddress: address }, orderBy: { createdAt: "desc" }, take: 100 }),
    db.marketDeviceSale.findMany({ where: { chainId, sellerAddress: address } }),
    requestsForOwner(db, address, now),
  ]);
  const income = orders.reduce((sum, order) => sum + order.releasedToSeller, 0n) + sales.reduce((sum, sale) => sum + sale.price - sale.fee, 0n);
  const pending = orders.filter((order) => order.status === "OPEN").reduce((sum, order) => sum + order.pricePerUnit * (order.totalUnits - order.deliveredUnits), 0n);
  return { listings: page.items, orders: await orderViews(db, orders, now), income: income.toString(), pending: pending.toString(), matches };
}

export interface BuyerDashboard {
  orders: OrderView[];
  keys: KeyView[];
  /** Refunded to the buyer so far. */
  refunded: string;
  /** API requests made with the buyer's keys. */
  requests: number;
}

export async function buyerDashboard(db: PrismaClient, buyer: Address, chainId: number, now = new Date()): Promise<BuyerDashboard> {
  const address = getAddress(buyer);
  const [orders, keys] = await Promise.all([
    db.marketOrder.findMany({ where: { chainId, buyerAddress: address }, orderBy: { createdAt: "desc" }, take: 100 }),
    listApiKeys(db, address),
  ]);
  return {
    orders: await orderViews(db, orders, now),
    keys,
    refunded: orders.reduce((sum, order) => sum + order.refunded, 0n).toString(),
    requests: keys.reduce((sum, key) => sum + key.requestCount, 0),
  };
}
