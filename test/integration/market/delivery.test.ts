import type { Address } from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoTokenAbi, marketplaceAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { dripStablecoin, FAUCET_AMOUNT } from "@/lib/market/faucet";
import { authorizeFeedRequest, issueApiKey, listApiKeys, revokeApiKey } from "@/lib/market/api-keys";
import { feedReadings, readingsCsv } from "@/lib/market/feed";
import { FEED_PERIOD_MS, runAttestationRound, type AttestationOptions } from "@/lib/market/attestation";
import { createListing } from "@/lib/market/listings";
import { feedOrderTerms } from "@/lib/market/order-terms";
import { createListingSchema } from "@/lib/market/schemas";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { marketActions, sentDataInHours } from "./helpers";

let harness: IndexerHarness;
let seller: PrivateKeyAccount;
let buyer: PrivateKeyAccount;
let device: Address;
let idleDevice: Address;
let options: AttestationOptions;
let feedOrderId: bigint;

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

/** The buyer is minted the order's total, approves the escrow and orders `days` of the listing. */
async function buyFeed(listingOnchainId: `0x${string}`, pricePerMonth: bigint, days: number): Promise<bigint> {
  const market = marketActions(harness);
  return market.order(buyer, seller.address, listingOnchainId, feedOrderTerms(pricePerMonth, days, await market.nowSeconds()));
}

describe("delivery attestation", () => {
  it("indexes the order, attests each delivered day once and releases its payment to the seller", async () => {
    const listing = await createListing(
      harness.db,
      seller.address,
      createListingSchema.parse({ kind: "FEED", title: "PM2.5 feed", devices: [device, idleDevice], metrics: ["pm25"], cells: ["872830828ffffff"], price: "30000000" }),
    );
    const orderId = await buyFeed(listing.onchainId as `0x${string}`, 30_000_000n, 3);
    feedOrderId = orderId;
    await harness.indexer().catchUp(harness.db);
    const order = await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: harness.deployment.chainId, orderId } } });
    expect(order).toMatchObject({ listingId: listing.id, buyerAddress: buyer.address, sellerAddress: seller.address, pricePerUnit: 1_000_000n, totalUnits: 3n, status: "OPEN" });

    // Day 1: 20 hours with data. Day 2: only 5 hours (not delivered). Day 3 has not finished yet.
    const dayHours = (day: number, count: number) => Array.from({ length: count }, (_, i) => day * 24 + i);
    await sentDataInHours(harness, device, order.createdAt, dayHours(0, 20));
    await sentDataInHours(harness, device, order.createdAt, dayHours(1, 5));
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

describe("feed delivery with API keys", () => {
  const chainId = () => harness.deployment.chainId;

  async function telemetry(address: Address, sequence: number, receivedAt: Date, pm25Deci: number): Promise<void> {
    await harness.db.$executeRaw`
      INSERT INTO ingest.telemetry (device, sequence, measured_at, received_at, transport, digest, encoded, signature, lat_e6, lon_e6, pm25_deci_ug_m3, temperature_centi_c)
      VALUES (${Buffer.from(address.slice(2), "hex")}, ${sequence}, ${receivedAt}, ${receivedAt}, 'http', ${Buffer.alloc(32)}, ${Buffer.alloc(1)}, ${Buffer.alloc(65)}, 52520000, 13405000, ${pm25Deci}, 2150)`;
  }

  it("serves the order's readings to its buyer's key only, page by page, and refuses expired or revoked keys", async () => {
    const order = await harness.db.marketOrder.findUniqueOrThrow({ where: { chainId_orderId: { chainId: chainId(), orderId: feedOrderId } } });
    const other = await harness.fundedAccount();
    const t0 = new Date(order.createdAt.getTime() + 60_000);
    for (let i = 0; i < 5; i += 1) await telemetry(device, 1_000 + i, new Date(t0.getTime() + i * 1_000), 100 + i);
    await telemetry(idleDevice, 7, new Date(t0.getTime() + 2_500), 300);
    // Before the order: not part of it.
    await telemetry(device, 999, new Date(order.createdAt.getTime() - 60_000), 1);

    await expect(issueApiKey(harness.db, other.address, chainId(), feedOrderId)).rejects.toMatchObject({ status: 404 });
    const issued = await issueApiKey(harness.db, buyer.address, chainId(), feedOrderId);
    expect(issued.key).toMatch(/^dhk_/);
    expect(issued.expiresAt).toBe(order.expiresAt.toISOString());
    const stored = await harness.db.marketApiKey.findMany({ select: { keyHash: true, prefix: true } });
    expect(JSON.stringify(stored)).not.toContain(issued.key);

    const now = new Date(t0.getTime() + 60_000);
    const authorized = await authorizeFeedRequest(harness.db, issued.key, chainId(), feedOrderId, now);
    const first = await feedReadings(harness.db, authorized, { limit: 4, now });
    expect(first.readings.map((r) => r.sequence)).toEqual(["1000", "1001", "1002", "7"]);
    expect(first.readings[0]).toMatchObject({ device, values: { pm25: 10 }, cell: "871f1d489ffffff" });
    expect(first.readings[0]?.values).not.toHaveProperty("temperature"); // not a listed metric
    const second = await feedReadings(harness.db, authorized, { cursor: first.nextCursor ?? undefined, limit: 4, now });
    expect(second.readings.map((r) => r.sequence)).toEqual(["1003", "1004"]);
    expect(second.nextCursor).toBeNull();
    expect(readingsCsv(second.readings, ["pm25"])).toBe(`device,sequence,measured_at,received_at,cell,pm25\r\n${device},1003,${second.readings[0]?.measuredAt},${second.readings[0]?.receivedAt},871f1d489ffffff,10.3\r\n${device},1004,${second.readings[1]?.measuredAt},${second.readings[1]?.receivedAt},871f1d489ffffff,10.4\r\n`);

    // A second consumer's key for their own order cannot read this one.
    const secondListing = await harness.db.marketListing.findFirstOrThrow({ where: { title: "Second feed" } });
    const secondOrder = await harness.db.marketOrder.findFirstOrThrow({ where: { listingId: secondListing.id } });
    await harness.db.marketOrder.update({ where: { chainId_orderId: { chainId: chainId(), orderId: secondOrder.orderId } }, data: { buyerAddress: other.address } });
    const othersKey = await issueApiKey(harness.db, other.address, chainId(), secondOrder.orderId);
    await expect(authorizeFeedRequest(harness.db, othersKey.key, chainId(), feedOrderId, now)).rejects.toMatchObject({ status: 403, code: "api_key_wrong_order" });
    await expect(authorizeFeedRequest(harness.db, "dhk_guessed", chainId(), feedOrderId, now)).rejects.toMatchObject({ status: 401, code: "api_key_invalid" });
    await expect(authorizeFeedRequest(harness.db, null, chainId(), feedOrderId, now)).rejects.toMatchObject({ status: 401 });
    // The key expires with the order.
    await expect(authorizeFeedRequest(harness.db, issued.key, chainId(), feedOrderId, order.expiresAt)).rejects.toMatchObject({ status: 401, code: "api_key_expired" });

    const keys = await listApiKeys(harness.db, buyer.address);
    expect(keys).toEqual([expect.objectContaining({ id: issued.id, requestCount: 1, revokedAt: null })]);
    // Only the key's owner revokes it.
    await expect(revokeApiKey(harness.db, other.address, issued.id)).rejects.toMatchObject({ status: 404 });
    await revokeApiKey(harness.db, buyer.address, issued.id);
    await expect(authorizeFeedRequest(harness.db, issued.key, chainId(), feedOrderId, now)).rejects.toMatchObject({ status: 401 });
  });
});

describe("local dUSD faucet", () => {
  it("mints demo dUSD on the local chain only, rate-limited per account", async () => {
    const account = await harness.fundedAccount();
    const faucet = { chainId: harness.deployment.chainId, rpcUrl: harness.rpcUrl, stablecoin: harness.deployment.contracts.Stablecoin, minterKey: LOCAL_DEV_PRIVATE_KEY };
    const buckets = new TokenBuckets({ ratePerSecond: 0.001, burst: 1 });
    await dripStablecoin(faucet, account.address, buckets);
    const balance = await harness.chain.publicClient.readContract({ address: faucet.stablecoin, abi: demoTokenAbi, functionName: "balanceOf", args: [account.address] });
    expect(balance).toBe(FAUCET_AMOUNT);
    await expect(dripStablecoin(faucet, account.address, buckets)).rejects.toMatchObject({ status: 429 });
    await expect(dripStablecoin({ ...faucet, chainId: 4689 }, account.address, buckets)).rejects.toMatchObject({ status: 403, code: "faucet_local_only" });
  });
});
