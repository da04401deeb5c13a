import { createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { expect } from "vitest";
import { demoTokenAbi, deviceRegistryAbi, marketplaceAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import type { OrderTerms } from "@/lib/market/order-terms";
import type { IndexerHarness } from "../indexer/harness";

/** Marketplace, dUSD and DeviceRegistry calls for market tests on an indexer harness's own chain. */
export function marketActions(harness: IndexerHarness) {
  const publicClient = harness.chain.publicClient;
  const { Stablecoin, Marketplace, DeviceRegistry } = harness.deployment.contracts;
  const deployer = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);

  async function send(account: PrivateKeyAccount, call: Parameters<typeof publicClient.simulateContract>[0]): Promise<Hex> {
    const { request } = await publicClient.simulateContract({ ...call, account } as Parameters<typeof publicClient.simulateContract>[0]);
    const hash = await createWalletClient({ account, transport: http(harness.rpcUrl) }).writeContract(request as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return hash;
  }

  async function fund(account: PrivateKeyAccount, amount: bigint): Promise<void> {
    await send(deployer, { address: Stablecoin, abi: demoTokenAbi, functionName: "mint", args: [account.address, amount] });
    await send(account, { address: Stablecoin, abi: demoTokenAbi, functionName: "approve", args: [Marketplace, amount] });
  }

  return {
    send,
    balanceOf: (account: Address) => publicClient.readContract({ address: Stablecoin, abi: demoTokenAbi, functionName: "balanceOf", args: [account] }),
    getOrder: (orderId: bigint) => publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "getOrder", args: [orderId] }),
    nowSeconds: async () => (await publicClient.getBlock()).timestamp,
    /** The buyer is minted exactly the order's total, approves the escrow and creates the order; returns its id. */
    async order(buyer: PrivateKeyAccount, seller: Address, listingOnchainId: string, terms: OrderTerms): Promise<bigint> {
      await fund(buyer, terms.total);
      const before = await publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "orderCount" });
      await send(buyer, { address: Marketplace, abi: marketplaceAbi, functionName: "createOrder", args: [seller, Stablecoin, terms.pricePerUnit, terms.totalUnits, terms.expiresAt, listingOnchainId as Hex] });
      return before + 1n;
    },
    /** The seller lists the device token on-chain and the buyer buys it in one atomic swap. */
    async sellDevice(seller: PrivateKeyAccount, buyer: PrivateKeyAccount, device: Address, price: bigint): Promise<Hex> {
      const tokenId = BigInt(device);
      await send(seller, { address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "approve", args: [Marketplace, tokenId] });
      await send(seller, { address: Marketplace, abi: marketplaceAbi, functionName: "listDevice", args: [tokenId, Stablecoin, price] });
      await fund(buyer, price);
      return send(buyer, { address: Marketplace, abi: marketplaceAbi, functionName: "buyDevice", args: [tokenId, price] });
    },
    refund: (account: PrivateKeyAccount, orderId: bigint) => send(account, { address: Marketplace, abi: marketplaceAbi, functionName: "refund", args: [orderId] }),
  };
}

/** Stores one verified-telemetry row as the ingest pipeline would (signature bytes are not re-checked downstream). */
export async function storeTelemetry(harness: IndexerHarness, device: Address, sequence: number, measuredAt: Date): Promise<void> {
  await harness.db.$executeRaw`
    INSERT INTO ingest.telemetry (device, sequence, measured_at, received_at, transport, digest, encoded, signature, lat_e6, lon_e6, pm25_deci_ug_m3)
    VALUES (${Buffer.from(device.slice(2), "hex")}, ${sequence}, ${measuredAt}, ${measuredAt}, 'http', ${Buffer.alloc(32)}, ${Buffer.alloc(1)}, ${Buffer.alloc(65)}, 52520000, 13405000, 120)`;
}

/** DeviceHour rows (30 messages each) for `device` in the whole hours `hourOffsets` after the first hour boundary after `start`. */
export async function sentDataInHours(harness: IndexerHarness, device: Address, start: Date, hourOffsets: number[]): Promise<void> {
  const base = Math.ceil(start.getTime() / 3_600_000) * 3_600_000;
  await harness.db.deviceHour.createMany({
    data: hourOffsets.map((offset) => ({
      device: device.toLowerCase(),
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
