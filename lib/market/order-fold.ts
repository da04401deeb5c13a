import type { Address, Hex } from "viem";
import { compareEvents } from "../indexer/fold";
import type { EventPosition, ProjectionEvent } from "../indexer/events";

export type OrderStatus = "OPEN" | "COMPLETED" | "REFUNDED";

/** One Marketplace order as its events leave it. */
export interface OrderProjection {
  orderId: bigint;
  onchainListingId: Hex;
  buyer: Address;
  seller: Address;
  token: Address;
  pricePerUnit: bigint;
  totalUnits: bigint;
  deliveredUnits: bigint;
  releasedToSeller: bigint;
  feesPaid: bigint;
  refunded: bigint;
  feeBps: number;
  status: OrderStatus;
  createdAt: Date;
  expiresAt: Date;
  lastActivityAt: Date;
}

/**
 * Replays one order's events (any order; sorted here). Null when its
 * OrderCreated is not among them (e.g. reorged out). Mirrors Marketplace.sol:
 * attestations add delivered units and payouts, a refund closes the order.
 */
export function foldOrder(events: readonly (EventPosition & ProjectionEvent)[]): OrderProjection | null {
  let order = null as OrderProjection | null;
  for (const event of [...events].sort(compareEvents)) {
    switch (event.name) {
      case "OrderCreated": {
        const a = event.args;
        order = {
          orderId: a.orderId,
          onchainListingId: a.listingId,
          buyer: a.buyer,
          seller: a.seller,
          token: a.token,
          pricePerUnit: a.pricePerUnit,
          totalUnits: a.totalUnits,
          deliveredUnits: 0n,
          releasedToSeller: 0n,
          feesPaid: 0n,
          refunded: 0n,
          feeBps: Number(a.feeBps),
          status: "OPEN",
          createdAt: event.blockTime,
          expiresAt: new Date(Number(a.expiresAt) * 1000),
          lastActivityAt: event.blockTime,
        };
        break;
      }
      case "DeliveryAttested":
        if (order) {
          order = {
            ...order,
            deliveredUnits: event.args.deliveredUnits,
            releasedToSeller: order.releasedToSeller + event.args.sellerAmount,
            feesPaid: order.feesPaid + event.args.fee,
            lastActivityAt: event.blockTime,
          };
        }
        break;
      case "OrderCompleted":
        if (order) order = { ...order, status: "COMPLETED" };
        break;
      case "OrderRefunded":
        if (order) order = { ...order, status: "REFUNDED", refunded: event.args.amount, lastActivityAt: event.blockTime };
        break;
      default:
        break;
    }
  }
  return order;
}
