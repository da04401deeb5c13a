import { getAddress, zeroHash } from "viem";
import { describe, expect, it } from "vitest";
import type { ProjectionEvent } from "../indexer/events";
import { foldOrder } from "./order-fold";

const buyer = getAddress("0x00000000000000000000000000000000000000b1");
const seller = getAddress("0x00000000000000000000000000000000000000a1");
const at = (blockNumber: bigint, logIndex = 0) => ({ blockNumber, logIndex, blockTime: new Date(Number(blockNumber) * 1000) });

const created: ProjectionEvent = {
  ...at(10n),
  name: "OrderCreated",
  args: { orderId: 1n, buyer, seller, listingId: zeroHash, token: seller, pricePerUnit: 100n, totalUnits: 3n, expiresAt: 5000n, feeBps: 250n, gracePeriod: 600n },
};
const attested = (block: bigint, units: bigint, delivered: bigint): ProjectionEvent => ({
  ...at(block),
  name: "DeliveryAttested",
  args: { orderId: 1n, units, deliveredUnits: delivered, sellerAmount: units * 100n - (units * 100n * 250n) / 10_000n, fee: (units * 100n * 250n) / 10_000n },
});

describe("foldOrder", () => {
  it("follows creation, attestations and a refund in chain order, whatever order they come in", () => {
    const refunded: ProjectionEvent = { ...at(30n), name: "OrderRefunded", args: { orderId: 1n, buyer, amount: 100n } };
    const order = foldOrder([refunded, attested(20n, 2n, 2n), created]);
    expect(order).toMatchObject({ deliveredUnits: 2n, releasedToSeller: 195n, feesPaid: 5n, refunded: 100n, status: "REFUNDED", expiresAt: new Date(5_000_000) });
    expect(order?.lastActivityAt).toEqual(new Date(30_000));
  });

  it("completes when every unit is delivered, and is null without its creation (reorged out)", () => {
    expect(foldOrder([created, attested(20n, 1n, 1n), attested(21n, 2n, 3n), { ...at(21n, 1), name: "OrderCompleted", args: { orderId: 1n } }])).toMatchObject({ status: "COMPLETED", deliveredUnits: 3n });
    expect(foldOrder([attested(20n, 1n, 1n)])).toBeNull();
  });
});
