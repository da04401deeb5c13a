import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext, Browser, Page } from "@playwright/test";
import { createPublicClient, createWalletClient, http, parseEventLogs, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil } from "viem/chains";
import { demoTokenAbi, deviceRegistryAbi, marketplaceAbi, projectRegistryAbi } from "../lib/chain/abi.generated";
import { claimTypedData } from "../lib/devices/claim-typed-data";
import type { OrderTerms } from "../lib/market/order-terms";
import { toWireJson, type TelemetryMessage } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { ANVIL_RPC_URL, connectAndSignIn, expect } from "./fixtures";
import { devAccount, installTestWallet } from "./wallet";

/** What the market specs share: the deployment, devices of their own, signed telemetry, a second signed-in page. */

export interface MarketContracts {
  DeviceRegistry: Address;
  ProjectRegistry: Address;
  Marketplace: Address;
  Stablecoin: Address;
}

export function marketContracts(): MarketContracts {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is set by playwright.config.ts");
  const file = JSON.parse(readFileSync(join(dataDir, "deployments.json"), "utf8")) as Record<string, { contracts: MarketContracts }>;
  const entry = file[String(anvil.id)];
  if (!entry) throw new Error("no local deployment");
  return entry.contracts;
}

export const publicClient = createPublicClient({ chain: anvil, transport: http(ANVIL_RPC_URL) });

export function dusdBalance(account: Address, blockNumber?: bigint): Promise<bigint> {
  return publicClient.readContract({ address: marketContracts().Stablecoin, abi: demoTokenAbi, functionName: "balanceOf", args: [account], ...(blockNumber === undefined ? {} : { blockNumber }) });
}

/**
 * Registers the devices (by key) in a new project of `adminIndex` and claims them to `owner` with the devices' own
 * signatures, unless a retried test already did; then waits until the chain index shows `owner` as their owner
 * (listings are checked against the index).
 */
export async function ownDevices(baseURL: string, { adminIndex, owner, deviceKeys, projectName }: { adminIndex: number; owner: Address; deviceKeys: Hex[]; projectName: string }): Promise<void> {
  const admin = devAccount(adminIndex);
  const wallet = createWalletClient({ account: admin, chain: anvil, transport: http(ANVIL_RPC_URL) });
  const { DeviceRegistry, ProjectRegistry } = marketContracts();
  const confirm = async (hash: Hex) => expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
  const devices = deviceKeys.map((key) => privateKeyToAccount(key).address);
  const known = await publicClient.readContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [devices[0]!] });
  if (known.projectId === 0n) {
    const { request, result: projectId } = await publicClient.simulateContract({ account: admin, address: ProjectRegistry, abi: projectRegistryAbi, functionName: "createProject", args: [projectName, "", zeroAddress] });
    await confirm(await wallet.writeContract(request));
    const model = stringToHex("AQ-Market", { size: 32 });
    await confirm(await wallet.writeContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "registerDevices", args: [projectId, devices.map((device) => ({ device, model, claimKey: zeroAddress }))] }));
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    for (const key of deviceKeys) {
      const device = privateKeyToAccount(key).address;
      const signature = await privateKeyToAccount(key).signTypedData(claimTypedData({ chainId: anvil.id, registry: DeviceRegistry, owner, device, nonce: 0n, deadline }));
      await confirm(await wallet.writeContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [device, owner, deadline, signature] }));
    }
  }
  for (const device of devices) {
    await expect
      .poll(async () => ((await (await fetch(`${baseURL}/api/devices/${device}`)).json()) as { owner: string | null }).owner, { timeout: 120_000, intervals: [1_000] })
      .toBe(owner);
  }
}

type Reading = Omit<TelemetryMessage, "device" | "sequence">;

/** Signed readings from one device, sent the way devices send them over HTTP; every one must be accepted. */
export async function sendTelemetry(baseURL: string, deviceKey: Hex, firstSequence: bigint, readings: Reading[]): Promise<void> {
  const device = privateKeyToAccount(deviceKey).address.toLowerCase() as Hex;
  const messages = [];
  for (const [index, reading] of readings.entries()) messages.push(toWireJson(await signTelemetry(deviceKey, { ...reading, device, sequence: firstSequence + BigInt(index) })));
  const response = await fetch(`${baseURL}/api/v1/telemetry`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ messages }) });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  expect((JSON.parse(text) as { results: Array<{ status: string }> }).results.map((result) => result.status), text).toEqual(messages.map(() => "accepted"));
}

/** Another browser page whose injected wallet holds `accountIndex`, signed in on `path`. */
export async function signedInPage(browser: Browser, accountIndex: number, path: string): Promise<Page> {
  const page = await browser.newPage();
  await installTestWallet(page, { anvilRpcUrl: ANVIL_RPC_URL, accountIndex, chainId: anvil.id, extraChains: [] });
  await page.goto(path);
  await connectAndSignIn(page, devAccount(accountIndex).address);
  return page;
}

/**
 * A buyer's on-chain order on a listing, as its wallet places it: dUSD from the faucet route when the balance is short
 * of the terms' total, approve, createOrder. `buyerApi` is signed in as `buyerIndex`. Returns the order's id.
 */
export async function placeOrder(buyerApi: APIRequestContext, buyerIndex: number, { seller, listingOnchainId, terms }: { seller: Address; listingOnchainId: Hex; terms: OrderTerms }): Promise<bigint> {
  const buyer = devAccount(buyerIndex);
  const { Marketplace, Stablecoin } = marketContracts();
  const wallet = createWalletClient({ account: buyer, chain: anvil, transport: http(ANVIL_RPC_URL) });
  if ((await dusdBalance(buyer.address)) < terms.total) {
    const faucet = await buyerApi.post("/api/market/faucet");
    expect(faucet.status(), await faucet.text()).toBe(201);
  }
  await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract({ address: Stablecoin, abi: demoTokenAbi, functionName: "approve", args: [Marketplace, terms.total] }) });
  const receipt = await publicClient.waitForTransactionReceipt({
    hash: await wallet.writeContract({ address: Marketplace, abi: marketplaceAbi, functionName: "createOrder", args: [seller, Stablecoin, terms.pricePerUnit, terms.totalUnits, terms.expiresAt, listingOnchainId] }),
  });
  const [created] = parseEventLogs({ abi: marketplaceAbi, eventName: "OrderCreated", logs: receipt.logs });
  if (!created) throw new Error(`createOrder emitted no OrderCreated (tx ${receipt.transactionHash})`);
  return created.args.orderId;
}

/**
 * The buyer's API key for its order, asked for until the stack's indexer has seen the order (404 before). Each ask
 * spends one of the buyer's market write tokens (one refills every 5 s), so the asks come no faster than that.
 */
export async function issueKeyOnceIndexed(buyerApi: APIRequestContext, orderId: bigint, timeout = 60_000): Promise<{ id: string; key: string }> {
  let issued: { id: string; key: string } | undefined;
  await expect
    .poll(
      async () => {
        const response = await buyerApi.post(`/api/market/orders/${orderId}/keys`);
        if (response.status() === 201) issued = (await response.json()) as { id: string; key: string };
        return response.status();
      },
      { timeout, intervals: [5_000, 10_000] },
    )
    .toBe(201);
  return issued!;
}
