import { createWalletClient, http, type Address } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoTokenAbi, marketplaceAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { FEED_PERIOD_MS, runAttestationRound, type AttestationOptions } from "@/lib/market/attestation";
import { createListing } from "@/lib/market/listings";
import { feedOrderTerms } from "@/lib/market/order-terms";
import { createListingSchema } from "@/lib/market/schemas";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";

let harness: IndexerHarness;
let seller: PrivateKeyAccount;
let buyer: PrivateKeyAccount;
let device: Address;
let idleDevice: Address;
let options: AttestationOptions;

beforeAll(async () => {
  harness = await startIndexerHarness(inject("databaseUrl"));
  seller = await harness.fundedAccount();
  buyer = await harness.fundedAccount();
  const projectId = await harness.chain.createProject("Market Fleet");
  const { devices } = await harness.chain.registerDevices(projectId, 2);
  for (const registered of devices) await harness.chain.claim(registered, seller.address);
  [device, idleDevice] = devices.map((d) => d.address) as [Address, Address];
  await harness.indexer().catchUp(harness.db);
  options = { rpcUrl: harness.rpcUrl, chainId: harness.deployment.chainId, marketplace: harness.deployment.contracts.Marketplace, attesterKey: LOCAL_DEV_PRIVATE_KEY };
}, 120_000);

afterAll(async () => {
  await harness?.stop();
});

async function send(account: PrivateKeyAccount, call: Parameters<typeof harness.chain.publicClient.simulateContract>[0]) {
  const publicClient = harness.chain.publicClient;
  const { request } = await publicClient.simulateContract({ ...call, account } as Parameters<typeof publicClient.simulateContract>[0]);
  const hash = await createWalletClient({ account, transport: http(harness.rpcUrl) }).writeContract(request as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
}

/** The buyer gets dUSD from the deployer, approves the escrow and orders `days` of the listing. */
async function buyFeed(listingOnchainId: `0x${string}`, pricePerMonth: bigint, days: number): Promise<bigint> {
  const { Stablecoin, Marketplace } = harness.deployment.contracts;
  const publicClient = harness.chain.publicClient;
  const block = await publicClient.getBlock();
  const terms = feedOrderTerms(pricePerMonth, days, block.timestamp);
  await send(privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY), { address: Stablecoin, abi: demoTokenAbi, functionName: "mint", args: [buyer.address, terms.total] });
  await send(buyer, { address: Stablecoin, abi: demoTokenAbi, functionName: "approve", args: [Marketplace, terms.total] });
  const before = await publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "orderCount" });
  await send(buyer, { address: Marketplace, abi: marketplaceAbi, functionName: "createOrder", args: [seller.address, Stablecoin, terms.pricePerUnit, terms.totalUnits, terms.expiresAt, listingOnchainId] });
  return before + 1n;
}

/** Hours in which `address` sent data, `offsetHours` after `start`. */
async function sentData(address: Address, start: Date, hourOffsets: number[]): Promise<void> {
  const base = Math.ceil(start.getTime() / 3_600_000) * 3_600_000;
  await harness.db.deviceHour.createMany({
    data: hourOffsets.map((offset) => ({
      device: address.toLowerCase(),
      hourStart: new Date(base + offset * 3_600_000),
      messageCount: 30,
      onlineMinutes: 30,
      distanceMeters: 0,
      cellsR7: [],
      cellsR8: [],
      sensors: { pm25: { min: 1, mean: 2, max: 3, count: 30 } },
      qualityScore: 95,
      findings: [],
      computedAt: new Date(),
    })),
  });
}

describe("delivery attestation", () => {
  it("indexes the order, attests each delivered day once and releases its payment to the seller", async () => {
    const listing = await createListing(
      harness.db,
      seller.address,
      createListingSchema.parse({ kind: "FEED", title: "PM2.5 feed", devices: [device, idleDevice], metrics: ["pm25"], cells: ["872830828ffffff"], price: "30000000" }),
    );
    const orderId = await buyFeed(listing.onchainId as `0x${string}`, 30_000_000n, 3);
    await harness.indexer().catchUp(harness.db);
    const order = await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId } } });
    expect(order).toMatchObject({ listingId: listing.id, buyerAddress: buyer.address, sellerAddress: seller.address, pricePerUnit: 1_000_000n, totalUnits: 3n, status: "OPEN" });

    // Day 1: 20 hours with data. Day 2: only 5 hours (not delivered). Day 3 has not finished yet.
    const dayHours = (day: number, count: number) => Array.from({ length: count }, (_, i) => day * 24 + i);
    await sentData(device, order.createdAt, dayHours(0, 20));
    await sentData(device, order.createdAt, dayHours(1, 5));
    const clock = () => order.createdAt.getTime() + 2 * FEED_PERIOD_MS + 60_000;

    // Two workers at once: one round attests, the other finds the lock taken or nothing left to do.
    const rounds = await Promise.all([runAttestationRound(harness.db, { ...options, clock }), runAttestationRound(harness.db, { ...options, clock })]);
    expect(rounds.flatMap((round) => round.attested).map((a) => [a.orderId, a.units])).toEqual([[orderId, 1n]]);
    const again = await runAttestationRound(harness.db, { ...options, clock });
    expect(again).toEqual({ kind: "done", attested: [] });

    const { Marketplace, Stablecoin } = harness.deployment.contracts;
    const publicClient = harness.chain.publicClient;
    const onchain = await publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "getOrder", args: [orderId] });
    expect(onchain.deliveredUnits).toBe(1n);
    // 1 dUSD for the day minus the 2.5 % fee.
    expect(await publicClient.readContract({ address: Stablecoin, abi: demoTokenAbi, functionName: "balanceOf", args: [seller.address] })).toBe(975_000n);
    expect(await harness.db.marketAttestation.findMany({ where: { orderId }, orderBy: { periodStart: "asc" }, select: { units: true } })).toEqual([{ units: 1n }, { units: 0n }]);

    await harness.indexer().catchUp(harness.db);
    expect(await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId } } })).toMatchObject({
      deliveredUnits: 1n,
      releasedToSeller: 975_000n,
      feesPaid: 25_000n,
      status: "OPEN",
    });
  });

  it("attests the ledger's units again when the chain lost a round's transaction (no double count)", async () => {
    const listing = await createListing(
      harness.db,
      seller.address,
      createListingSchema.parse({ kind: "FEED", title: "Second feed", devices: [device], metrics: ["pm25"], cells: ["872830828ffffff"], price: "3000000" }),
    );
    const orderId = await buyFeed(listing.onchainId as `0x${string}`, 3_000_000n, 2);
    await harness.indexer().catchUp(harness.db);
    const order = await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId } } });
    // A previous round judged day 1 delivered but died before its transaction was mined.
    await harness.db.marketAttestation.create({ data: { chainId: harness.deployment.chainId, orderId, periodStart: order.createdAt, units: 1n } });
    const clock = () => order.createdAt.getTime() + FEED_PERIOD_MS + 60_000;
    const round = await runAttestationRound(harness.db, { ...options, clock });
    expect(round.attested.map((a) => a.units)).toEqual([1n]);
    expect((await runAttestationRound(harness.db, { ...options, clock })).attested).toEqual([]);
  });
});
