import { createWalletClient, http, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { marketplaceAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY, MARKETPLACE_GRACE_PERIOD_SECONDS } from "@/lib/chain/deploy";
import { FEED_PERIOD_MS, runAttestationRound, SERVICE_SETTLE_MS, type AttestationOptions } from "@/lib/market/attestation";
import { createListing, setListingStatus } from "@/lib/market/listings";
import { feedOrderTerms, serviceOrderTerms } from "@/lib/market/order-terms";
import { createListingSchema } from "@/lib/market/schemas";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { marketActions, sentDataInHours, storeTelemetry } from "./helpers";

let harness: IndexerHarness;
let market: ReturnType<typeof marketActions>;
let seller: PrivateKeyAccount;
let buyer: PrivateKeyAccount;
let other: PrivateKeyAccount;
let options: AttestationOptions;
const devices: Address[] = [];
const CELL = "872830828ffffff";

beforeAll(async () => {
  harness = await startIndexerHarness(inject("databaseUrl"));
  market = marketActions(harness);
  [seller, buyer, other] = [await harness.fundedAccount(), await harness.fundedAccount(), await harness.fundedAccount()];
  const projectId = await harness.chain.createProject("Settlement Fleet");
  const registered = (await harness.chain.registerDevices(projectId, 6)).devices;
  for (const device of registered) await harness.chain.claim(device, seller.address);
  devices.push(...registered.map((device) => device.address));
  await harness.indexer().catchUp(harness.db);
  options = { rpcUrl: harness.rpcUrl, chainId: harness.deployment.chainId, marketplace: harness.deployment.contracts.Marketplace, attesterKey: LOCAL_DEV_PRIVATE_KEY };
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

const listing = (input: Record<string, unknown>) => createListing(harness.db, seller.address, createListingSchema.parse({ title: "Listing", price: "30000000", cells: [CELL], ...input }));
const statusOf = async (id: string) => (await harness.db.marketListing.findUniqueOrThrow({ where: { id } })).status;
const orderRow = (orderId: bigint) => harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId } } });

describe("listings follow device ownership", () => {
  it("a plain transfer pauses the seller's feeds and closes the device sale that include the device; other listings stay", async () => {
    const [a, b, c] = devices as [Address, Address, Address];
    const feed = await listing({ kind: "FEED", devices: [a, b], metrics: ["pm25"] });
    const sale = await listing({ kind: "DEVICE", devices: [a] });
    const service = await listing({ kind: "SERVICE", devices: [c], metrics: ["pm25"], unit: "correction-minute", price: "10000" });
    const orderId = await market.order(buyer, seller.address, feed.onchainId, feedOrderTerms(30_000_000n, 3, await market.nowSeconds()));
    await harness.indexer().catchUp(harness.db);
    expect(await statusOf(feed.id)).toBe("ACTIVE");

    await harness.chain.transfer(seller, other.address, a);
    await harness.indexer().catchUp(harness.db);
    expect([await statusOf(feed.id), await statusOf(sale.id), await statusOf(service.id)]).toEqual(["PAUSED", "CLOSED", "ACTIVE"]);
    // The seller cannot put it back on the market while a listed device is someone else's.
    await expect(setListingStatus(harness.db, seller.address, feed.id, "ACTIVE")).rejects.toMatchObject({ status: 403, code: "not_your_device" });
    // The open order keeps its escrow: nothing is refunded or released by the pause itself.
    expect(await orderRow(orderId)).toMatchObject({ status: "OPEN", refunded: 0n, releasedToSeller: 0n });

    // Only the device the seller still owns delivers: a's 20 hours do not count, b's 5 hours are not a delivered day.
    const order = await orderRow(orderId);
    await sentDataInHours(harness, a, order.createdAt, Array.from({ length: 20 }, (_, i) => i));
    await sentDataInHours(harness, b, order.createdAt, Array.from({ length: 5 }, (_, i) => i));
    const round = await runAttestationRound(harness.db, { ...options, clock: () => order.createdAt.getTime() + FEED_PERIOD_MS + 60_000 });
    expect(round.attested).toEqual([]);
    expect(await harness.db.marketAttestation.findMany({ where: { orderId }, select: { units: true } })).toEqual([{ units: 0n }]);

    // Bought back: the listing may be reopened by its seller (the indexer never reopens it by itself).
    await harness.chain.transfer(other, seller.address, a);
    await harness.indexer().catchUp(harness.db);
    expect(await statusOf(feed.id)).toBe("PAUSED");
    await setListingStatus(harness.db, seller.address, feed.id, "ACTIVE");
    expect(await statusOf(feed.id)).toBe("ACTIVE");
  });

  it("a Marketplace sale closes the device listing and pauses the feed; the feed's buyer is refunded after the grace period", async () => {
    const d = devices[3] as Address;
    const feed = await listing({ kind: "FEED", devices: [d], metrics: ["pm25"] });
    const sale = await listing({ kind: "DEVICE", devices: [d], price: "5000000" });
    const terms = feedOrderTerms(30_000_000n, 10, await market.nowSeconds());
    const orderId = await market.order(buyer, seller.address, feed.onchainId, terms);
    const buyerBefore = await market.balanceOf(buyer.address);

    await market.sellDevice(seller, other, d, 5_000_000n);
    await harness.indexer().catchUp(harness.db);
    expect([await statusOf(feed.id), await statusOf(sale.id)]).toEqual(["PAUSED", "CLOSED"]);
    expect(await harness.db.marketDeviceSale.count({ where: { device: d.toLowerCase() } })).toBe(1);

    // The sold device keeps reporting, for its new owner: the old seller's order is not attested for it.
    const order = await orderRow(orderId);
    await sentDataInHours(harness, d, order.createdAt, Array.from({ length: 24 }, (_, i) => i));
    expect((await runAttestationRound(harness.db, { ...options, clock: () => order.createdAt.getTime() + FEED_PERIOD_MS + 60_000 })).attested).toEqual([]);

    // The escrow rules are unchanged: without attestations for the grace period, the buyer takes the remainder back.
    await harness.rpc("evm_increaseTime", [MARKETPLACE_GRACE_PERIOD_SECONDS + 1]);
    await harness.rpc("evm_mine");
    await market.refund(buyer, orderId);
    expect(await market.balanceOf(buyer.address)).toBe(buyerBefore + terms.total);
    await harness.indexer().catchUp(harness.db);
    expect(await orderRow(orderId)).toMatchObject({ status: "REFUNDED", refunded: terms.total });
  });
});

describe("service orders", () => {
  it("rejects service units no telemetry can measure", () => {
    expect(createListingSchema.safeParse({ kind: "SERVICE", title: "Solar", price: "1", devices: [devices[4]], metrics: ["light"], unit: "kwh" }).success).toBe(false);
  });

  it("attests exactly the units measured from the listed devices' verified telemetry, once across two workers", async () => {
    const [, , , , minutes, readings] = devices as [Address, Address, Address, Address, Address, Address];
    const unlisted = devices[1] as Address;
    const correction = await listing({ kind: "SERVICE", devices: [minutes], metrics: ["pm25"], unit: "correction-minute", price: "10000" });
    const perReading = await listing({ kind: "SERVICE", devices: [readings], metrics: ["pm25"], unit: "reading", price: "2000" });
    const now = await market.nowSeconds();
    const minuteOrder = await market.order(buyer, seller.address, correction.onchainId, serviceOrderTerms(10_000n, 100, 1, now));
    const readingOrder = await market.order(buyer, seller.address, perReading.onchainId, serviceOrderTerms(2_000n, 50, 1, now));
    await harness.indexer().catchUp(harness.db);
    const createdAt = (await orderRow(minuteOrder)).createdAt.getTime();
    const readingCreatedAt = (await orderRow(readingOrder)).createdAt.getTime();

    // 30 distinct online minutes, the first five with two messages each; before the order and other devices do not count.
    let sequence = 0;
    for (let minute = 1; minute <= 30; minute += 1) {
      await storeTelemetry(harness, minutes, (sequence += 1), new Date(createdAt + minute * 60_000 + 1_000));
      if (minute <= 5) await storeTelemetry(harness, minutes, (sequence += 1), new Date(createdAt + minute * 60_000 + 30_000));
    }
    await storeTelemetry(harness, minutes, (sequence += 1), new Date(createdAt - 5 * 60_000));
    for (let minute = 1; minute <= 20; minute += 1) await storeTelemetry(harness, unlisted, 10_000 + minute, new Date(createdAt + minute * 60_000));
    // 7 readings, three of them within one minute.
    for (let i = 0; i < 7; i += 1) await storeTelemetry(harness, readings, 500 + i, new Date(readingCreatedAt + 120_000 + i * 20_000));

    const sellerBefore = await market.balanceOf(seller.address);
    const clock = () => createdAt + 2 * 3_600_000 + SERVICE_SETTLE_MS;
    const rounds = await Promise.all([runAttestationRound(harness.db, { ...options, clock }), runAttestationRound(harness.db, { ...options, clock })]);
    const attested = rounds.flatMap((round) => round.attested).map((a) => [a.orderId, a.units]);
    expect(attested.sort((x, y) => Number((x[0] as bigint) - (y[0] as bigint)))).toEqual([
      [minuteOrder, 30n],
      [readingOrder, 7n],
    ]);
    expect((await runAttestationRound(harness.db, { ...options, clock })).attested).toEqual([]);
    expect((await market.getOrder(minuteOrder)).deliveredUnits).toBe(30n);
    expect((await market.getOrder(readingOrder)).deliveredUnits).toBe(7n);
    // 30 × 0.01 + 7 × 0.002 dUSD, minus the 2.5 % platform fee.
    expect((await market.balanceOf(seller.address)) - sellerBefore).toBe(292_500n + 13_650n);

    // Later minutes are measured in later periods and attested on top, never twice.
    for (let minute = 0; minute < 10; minute += 1) await storeTelemetry(harness, minutes, 2_000 + minute, new Date(createdAt + 2 * 3_600_000 + minute * 60_000 + 90_000));
    const later = () => createdAt + 4 * 3_600_000 + SERVICE_SETTLE_MS;
    expect((await runAttestationRound(harness.db, { ...options, clock: later })).attested.map((a) => [a.orderId, a.units])).toEqual([[minuteOrder, 10n]]);
    const ledger = await harness.db.marketAttestation.aggregate({ where: { orderId: minuteOrder }, _sum: { units: true } });
    expect(ledger._sum.units).toBe(40n);
    expect((await market.getOrder(minuteOrder)).deliveredUnits).toBe(40n);
  });

  it("does not attest again while a crashed round's attestation is still pending", async () => {
    const c = devices[2] as Address;
    const readings = await listing({ kind: "SERVICE", devices: [c], metrics: ["pm25"], unit: "reading", price: "1000" });
    const orderId = await market.order(buyer, seller.address, readings.onchainId, serviceOrderTerms(1_000n, 20, 1, await market.nowSeconds()));
    await harness.indexer().catchUp(harness.db);
    const createdAt = (await orderRow(orderId)).createdAt.getTime();
    for (let i = 0; i < 5; i += 1) await storeTelemetry(harness, c, 900 + i, new Date(createdAt + 60_000 + i * 1_000));

    // A worker sent attest(order, 5) and died before it was mined.
    await harness.rpc("evm_setAutomine", [false]);
    try {
      const attester = createWalletClient({ account: privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY), transport: http(harness.rpcUrl) });
      await attester.writeContract({ address: harness.deployment.contracts.Marketplace, abi: marketplaceAbi, functionName: "attest", args: [orderId, 5n], gas: 300_000n, chain: null });
      const round = await runAttestationRound(harness.db, { ...options, clock: () => createdAt + 2 * 3_600_000 + SERVICE_SETTLE_MS });
      expect(round.attested).toEqual([]);
      await harness.rpc("evm_mine");
    } finally {
      await harness.rpc("evm_setAutomine", [true]);
    }
    expect((await market.getOrder(orderId)).deliveredUnits).toBe(5n);
  }, 60_000);
});
