import { decodeEventLog, getAddress, type Address } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { marketplaceAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { FEED_PERIOD_MS, runAttestationRound, SERVICE_SETTLE_MS, type AttestationOptions } from "@/lib/market/attestation";
import { sellerMarketIncome } from "@/lib/market/income";
import { createListing } from "@/lib/market/listings";
import { feedOrderTerms, serviceOrderTerms } from "@/lib/market/order-terms";
import { createListingSchema } from "@/lib/market/schemas";
import { ownerEarnings, ownerEarningsCsv } from "@/lib/rewards/earnings";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { marketActions, sentDataInHours, storeTelemetry } from "./helpers";

let harness: IndexerHarness;
let market: ReturnType<typeof marketActions>;
let seller: PrivateKeyAccount;
let otherSeller: PrivateKeyAccount;
let buyer: PrivateKeyAccount;
let options: AttestationOptions;

beforeAll(async () => {
  harness = await startIndexerHarness(inject("databaseUrl"));
  market = marketActions(harness);
  [seller, otherSeller, buyer] = [await harness.fundedAccount(), await harness.fundedAccount(), await harness.fundedAccount()];
  options = { rpcUrl: harness.rpcUrl, chainId: harness.deployment.chainId, marketplace: harness.deployment.contracts.Marketplace, attesterKey: LOCAL_DEV_PRIVATE_KEY };
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

/** The seller's net payments as the chain reports them: DeliveryAttested.sellerAmount of their orders, DeviceSold price − fee. */
async function onchainIncome(seller: Address): Promise<{ released: bigint; sales: bigint }> {
  const logs = await harness.chain.publicClient.getLogs({ address: harness.deployment.contracts.Marketplace, fromBlock: 0n, toBlock: "latest" });
  let released = 0n;
  let sales = 0n;
  for (const log of logs) {
    const event = decodeEventLog({ abi: marketplaceAbi, data: log.data, topics: log.topics });
    if (event.eventName === "DeliveryAttested" && (await market.getOrder(event.args.orderId)).seller === getAddress(seller)) released += event.args.sellerAmount;
    if (event.eventName === "DeviceSold" && event.args.seller === getAddress(seller)) sales += event.args.price - event.args.fee;
  }
  return { released, sales };
}

describe("market income on /earnings", () => {
  it("equals the seller's on-chain released escrow (net of the fee) and device sales, per day, per order and in the CSV", async () => {
    const projectId = await harness.chain.createProject("Income Fleet");
    const { devices } = await harness.chain.registerDevices(projectId, 4);
    for (const [i, device] of devices.entries()) await harness.chain.claim(device, i < 3 ? seller.address : otherSeller.address);
    await harness.indexer().catchUp(harness.db);
    const [feedDevice, serviceDevice, soldDevice, othersDevice] = devices.map((d) => d.address) as [Address, Address, Address, Address];

    const feed = await createListing(harness.db, seller.address, createListingSchema.parse({ kind: "FEED", title: "Income feed", devices: [feedDevice], metrics: ["pm25"], cells: ["872830828ffffff"], price: "30000000" }));
    const service = await createListing(harness.db, seller.address, createListingSchema.parse({ kind: "SERVICE", title: "Income service", devices: [serviceDevice], metrics: ["pm25"], cells: ["872830828ffffff"], price: "3000", unit: "reading" }));
    const others = await createListing(harness.db, otherSeller.address, createListingSchema.parse({ kind: "SERVICE", title: "Someone else's", devices: [othersDevice], metrics: ["pm25"], cells: ["872830828ffffff"], price: "5000", unit: "reading" }));
    const now = await market.nowSeconds();
    const feedOrder = await market.order(buyer, seller.address, feed.onchainId, feedOrderTerms(30_000_000n, 2, now));
    const serviceOrder = await market.order(buyer, seller.address, service.onchainId, serviceOrderTerms(3_000n, 20, 1, now));
    const othersOrder = await market.order(buyer, otherSeller.address, others.onchainId, serviceOrderTerms(5_000n, 20, 1, now));
    await harness.indexer().catchUp(harness.db);
    const createdAt = (await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId: feedOrder } } })).createdAt;

    await sentDataInHours(harness, feedDevice, createdAt, Array.from({ length: 18 }, (_, i) => i));
    for (let i = 0; i < 9; i += 1) await storeTelemetry(harness, serviceDevice, i + 1, new Date(createdAt.getTime() + 90_000 + i * 1_000));
    for (let i = 0; i < 4; i += 1) await storeTelemetry(harness, othersDevice, i + 1, new Date(createdAt.getTime() + 90_000 + i * 1_000));
    const serviceRound = await runAttestationRound(harness.db, { ...options, clock: () => createdAt.getTime() + 3_600_000 + SERVICE_SETTLE_MS });
    expect(serviceRound.attested.map((a) => [a.orderId, a.units])).toEqual([[serviceOrder, 9n], [othersOrder, 4n]]);
    const feedRound = await runAttestationRound(harness.db, { ...options, clock: () => createdAt.getTime() + FEED_PERIOD_MS + 60_000 });
    expect(feedRound.attested.map((a) => [a.orderId, a.units])).toEqual([[feedOrder, 1n]]);
    await market.sellDevice(seller, buyer, soldDevice, 2_000_000n);
    await harness.indexer().catchUp(harness.db);

    const chain = await onchainIncome(seller.address);
    // 9 readings × 0.003 and one day of 1 dUSD, each less 2.5 %; the device for 2 dUSD less 2.5 %.
    expect(chain).toEqual({ released: 26_325n + 975_000n, sales: 1_950_000n });
    const blockNow = new Date(Number(await market.nowSeconds()) * 1000);
    const income = await sellerMarketIncome(harness.db, seller.address, blockNow);
    expect(income.totals.allTime).toBe((chain.released + chain.sales).toString());
    expect(income.totals.today).toBe(income.totals.allTime);
    expect(income.perDay.at(-1)).toEqual({ day: blockNow.toISOString().slice(0, 10), amount: income.totals.allTime });
    expect(income.fees).toBe((675n + 25_000n + 50_000n).toString());
    expect(Object.fromEntries(income.perOrder.map((o) => [o.orderId, o.released]))).toEqual({ [feedOrder.toString()]: "975000", [serviceOrder.toString()]: "26325" });
    expect(income.sales).toEqual([expect.objectContaining({ device: soldDevice, amount: "1950000", fee: "50000" })]);
    expect(income.inEscrow).toBe((3_000n * 11n + 1_000_000n).toString());
    // The other seller's income is theirs alone.
    expect((await sellerMarketIncome(harness.db, otherSeller.address, blockNow)).totals.allTime).toBe(((await onchainIncome(otherSeller.address)).released).toString());

    // /earnings reads the same figures, and its CSV lists every market payment.
    expect((await ownerEarnings(harness.db, seller.address, { claimed: null, now: blockNow })).market).toEqual(income);
    const csv = (await ownerEarningsCsv(harness.db, seller.address)).trim().split("\r\n");
    const marketRows = csv.filter((line) => line.includes(",market,dUSD,"));
    expect(marketRows).toHaveLength(3);
    expect(marketRows.reduce((total, line) => total + BigInt(line.split(",")[5] as string), 0n)).toBe(chain.released + chain.sales);
    expect(marketRows).toContain(["", "", income.sales[0]?.soldAt, soldDevice, "sold", "1950000", "", "market", "dUSD", ""].join(","));
  });
});
