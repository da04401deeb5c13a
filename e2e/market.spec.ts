import { latLngToCell } from "h3-js";
import { getAddress, keccak256, stringToBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deviceRegistryAbi, marketplaceAbi } from "../lib/chain/abi.generated";
import { apiClient } from "./api/sign-in";
import { connectAndSignIn, expect, test } from "./fixtures";
import { dusdBalance, issueKeyOnceIndexed, marketContracts, ownDevices, placeOrder, publicClient, sendTelemetry, signedInPage } from "./market-setup";
import { devAccount } from "./wallet";

/**
 * Marketplace journey (issue #7) through the real wallet UI: an owner lists a feed of their device; a consumer gets
 * demo dUSD from the faucet, buys the feed (approve + createOrder), receives an API key once and reads the feed with
 * it (REST and CSV); a second consumer's key cannot read it, and an expired key is refused; a device sale moves the
 * token and the payment together.
 *
 * Accounts (this spec's only): 12 seller, 13 buyer, 14 second buyer, 15 admin of this spec's own project.
 */

const SELLER = 12;
const BUYER = 13;
const SECOND_BUYER = 14;
const PROJECT_ADMIN = 15;
const seller = devAccount(SELLER);
const buyer = devAccount(BUYER);

// Unique per run (fresh chain and database each run), the same for a retried test in the same run.
const runSeed = process.env.E2E_DATA_DIR ?? "adhoc";
const feedDeviceKey = keccak256(stringToBytes(`e2e-market:feed-device:${runSeed}`));
const saleDeviceKey = keccak256(stringToBytes(`e2e-market:sale-device:${runSeed}`));
const feedDevice = privateKeyToAccount(feedDeviceKey).address;
const saleDevice = privateKeyToAccount(saleDeviceKey).address;
// Berlin-Mitte: the feed's area is the resolution-7 cell the device reports from.
const POSITION = { latE6: 52_520_008, lonE6: 13_404_954 };
const feedCell = latLngToCell(POSITION.latE6 / 1e6, POSITION.lonE6 / 1e6, 7);

const contracts = marketContracts;
const dusd = (account: Address) => dusdBalance(account);

let sequence = 1n;
/** `count` signed pm2.5 readings (12.0, 12.1, … µg/m³) from the feed device, measured just now. */
async function sendFeedReadings(baseURL: string, count: number): Promise<void> {
  const readings = Array.from({ length: count }, (_, i) => ({ timestamp: Date.now() - (count - i) * 1_000, pm25DeciUgM3: 120 + i, position: POSITION }));
  await sendTelemetry(baseURL, feedDeviceKey, sequence, readings);
  sequence += BigInt(count);
}

test.use({ walletAccountIndex: SELLER });

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(180_000);
  await ownDevices(baseURL!, { adminIndex: PROJECT_ADMIN, owner: seller.address, deviceKeys: [feedDeviceKey, saleDeviceKey], projectName: "E2E Market" });
});

test("an owner lists a feed, a consumer buys it in the wallet and reads it with the key; other and expired keys are refused", async ({ page, wallet, browser, baseURL }) => {
  test.setTimeout(360_000);
  void wallet;
  // 1. The owner lists a feed of their device (form validation first).
  await page.goto("/market/new");
  await connectAndSignIn(page, seller.address);
  await page.reload();
  const form = page.getByTestId("new-listing");
  await form.getByRole("radio", { name: /Data feed/ }).check();
  await page.getByTestId("new-listing-submit").click();
  await expect(form.getByRole("alert").first()).toBeVisible();
  await expect(form.getByText("Pick at least one of your devices")).toBeVisible();
  await expect(form.getByText("Enter a price")).toBeVisible();

  const tag = `mitte${Date.now().toString(36)}`;
  await form.getByLabel("Title", { exact: true }).fill(`PM2.5 Berlin-Mitte ${tag}`);
  await page.getByTestId(`pick-device-${feedDevice.toLowerCase()}`).check();
  await form.getByRole("checkbox", { name: "pm25", exact: true }).check();
  await form.getByLabel("Area as H3 cells (optional)").fill(feedCell);
  await form.getByLabel("Price per month (dUSD)").fill("30");
  await page.getByTestId("new-listing-submit").click();
  const link = page.getByTestId("new-listing-link");
  await expect(link).toBeVisible();
  const listingPath = (await link.getAttribute("href"))!;
  expect(listingPath).toMatch(/^\/market\/listings\/[0-9a-f-]{36}$/);

  // Browse: the filters live in the URL; the map view draws the same page of listings.
  await page.goto(`/market?q=${tag}&max=29.99`);
  await expect(page.getByTestId("market-listings").getByRole("link", { name: `PM2.5 Berlin-Mitte ${tag}` })).toHaveCount(0);
  await page.goto(`/market?q=${tag}&max=30&cell=${feedCell}&kind=FEED`);
  await expect(page.getByTestId("market-listings").getByRole("link", { name: `PM2.5 Berlin-Mitte ${tag}` })).toBeVisible();
  await page.getByTestId("market-map-link").click();
  await expect(page).toHaveURL(/view=map/);
  await expect(page).toHaveURL(new RegExp(`q=${tag}`));
  await expect(page.getByTestId("market-map").locator("canvas")).toBeVisible();
  await expect(page.getByTestId("market-listings").getByRole("link", { name: `PM2.5 Berlin-Mitte ${tag}` })).toBeVisible();

  // 2. A consumer gets demo dUSD from the faucet and buys 30 days (30 dUSD) through the wallet.
  const buyerPage = await signedInPage(browser, BUYER, listingPath);
  await buyerPage.reload();
  const balance = buyerPage.getByTestId("stablecoin-balance");
  await expect(balance).not.toHaveAttribute("data-amount", "");
  const before = BigInt((await balance.getAttribute("data-amount"))!);
  await buyerPage.getByTestId("faucet-button").click();
  await expect(buyerPage.getByTestId("faucet-message")).toContainText("1,000.00 dUSD");
  await expect(balance).toHaveAttribute("data-amount", String(before + 1_000_000_000n));
  await expect(buyerPage.getByTestId("buy-total")).toHaveText("Total: 30.00 dUSD");
  await buyerPage.getByTestId("buy-button").click();
  const done = buyerPage.getByTestId("buy-done");
  await expect(done).toContainText("placed", { timeout: 60_000 });
  const orderId = /Order #(\d+)/.exec((await done.textContent())!)![1]!;
  expect(await dusd(buyer.address)).toBe(before + 1_000_000_000n - 30_000_000n);

  // 3. The key is shown once, right there (after the indexer has seen the order).
  await buyerPage.getByTestId(`create-key-${orderId}`).click();
  const keyText = buyerPage.getByTestId("issued-key-value");
  await expect(keyText).toBeVisible({ timeout: 90_000 });
  const key = (await keyText.textContent())!;
  expect(key).toMatch(/^dhk_/);

  // 4. Readings that arrive during the order are the buyer's, over REST and CSV.
  await sendFeedReadings(baseURL!, 3);
  const readings = await fetch(`${baseURL}/api/v1/feeds/${orderId}/readings`, { headers: { Authorization: `Bearer ${key}` } });
  expect(readings.status).toBe(200);
  const body = (await readings.json()) as { readings: Array<{ device: string; cell: string; values: Record<string, number> }> };
  expect(body.readings).toHaveLength(3);
  expect(body.readings.map((reading) => reading.values.pm25)).toEqual([12, 12.1, 12.2]);
  expect(new Set(body.readings.map((reading) => reading.device))).toEqual(new Set([feedDevice]));
  expect(body.readings[0]!.cell).toBe(feedCell);
  const csv = await fetch(`${baseURL}/api/v1/feeds/${orderId}/export`, { headers: { "X-API-Key": key } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get("content-type")).toContain("text/csv");
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toBe("device,sequence,measured_at,received_at,cell,pm25");
  expect(lines.slice(1).map((line) => line.split(",").at(-1))).toEqual(["12", "12.1", "12.2"]);
  const anonymous = await fetch(`${baseURL}/api/v1/feeds/${orderId}/readings`);
  expect(anonymous.status).toBe(401);

  // 5. A second consumer with their own, short order: their key cannot read the first order's feed, and once their
  //    order expires their key is refused for their own feed too.
  const secondApi = await apiClient(baseURL!, "10.77.14.1", SECOND_BUYER);
  const listingId = listingPath.split("/").at(-1)!;
  const onchainListingId = ((await (await fetch(`${baseURL}/api/market/listings/${listingId}`)).json()) as { onchainId: Hex }).onchainId;
  const expiresAt = (await publicClient.getBlock()).timestamp + 60n;
  const terms = { pricePerUnit: 1_000_000n, totalUnits: 1n, expiresAt, total: 1_000_000n };
  const secondOrderId = (await placeOrder(secondApi, SECOND_BUYER, { seller: seller.address, listingOnchainId: onchainListingId, terms })).toString();
  const secondKey = (await issueKeyOnceIndexed(secondApi, BigInt(secondOrderId), 50_000)).key;
  const crossed = await fetch(`${baseURL}/api/v1/feeds/${orderId}/readings`, { headers: { Authorization: `Bearer ${secondKey}` } });
  expect(crossed.status).toBe(403);
  expect(((await crossed.json()) as { error: { code: string } }).error.code).toBe("api_key_wrong_order");
  expect((await fetch(`${baseURL}/api/v1/feeds/${secondOrderId}/readings`, { headers: { Authorization: `Bearer ${secondKey}` } })).status).toBe(200);
  // The order (and so its key) expires at a chain timestamp: wait for the clock, not for a guess.
  await expect
    .poll(async () => (await fetch(`${baseURL}/api/v1/feeds/${secondOrderId}/readings`, { headers: { Authorization: `Bearer ${secondKey}` } })).status, { timeout: 150_000, intervals: [2_000] })
    .toBe(401);
  const expired = await fetch(`${baseURL}/api/v1/feeds/${secondOrderId}/readings`, { headers: { Authorization: `Bearer ${secondKey}` } });
  expect(((await expired.json()) as { error: { code: string } }).error.code).toBe("api_key_expired");
  // The first buyer's key still reads their own feed.
  expect((await fetch(`${baseURL}/api/v1/feeds/${orderId}/readings`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
  await secondApi.dispose();
  await buyerPage.close();
});

test("a device sale moves the token and the payment together", async ({ page, wallet, browser }) => {
  test.setTimeout(240_000);
  void wallet;
  const { DeviceRegistry, Marketplace } = contracts();
  // 1. The owner lists the device for sale: the form shows its history, then the wallet approves and offers it.
  await page.goto("/market/new");
  await connectAndSignIn(page, seller.address);
  await page.reload();
  const form = page.getByTestId("new-listing");
  await form.getByRole("radio", { name: /Device for sale/ }).check();
  await page.getByTestId(`pick-device-${saleDevice.toLowerCase()}`).check();
  await expect(form.getByText("No reward epochs yet")).toBeVisible();
  await form.getByLabel("Title", { exact: true }).fill(`Air sensor for sale ${runSeed.slice(-6)}`);
  await form.getByLabel("Price (dUSD)").fill("250");
  await page.getByTestId("new-listing-submit").click();
  const created = page.getByTestId("new-listing-created");
  await expect(created.getByText("Offered on-chain")).toBeVisible({ timeout: 60_000 });
  const listingPath = (await page.getByTestId("new-listing-link").getAttribute("href"))!;
  const tokenId = BigInt(saleDevice);
  expect(await publicClient.readContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "getApproved", args: [tokenId] })).toBe(getAddress(Marketplace));

  // 2. A buyer buys it: ownerOf and both dUSD balances change in the same transaction.
  const buyerPage = await signedInPage(browser, BUYER, listingPath);
  await buyerPage.reload();
  await buyerPage.getByTestId("faucet-button").click();
  await expect(buyerPage.getByTestId("faucet-message")).toBeVisible();
  const feeBps = BigInt(await publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "feeBps" }));
  const feeRecipient = await publicClient.readContract({ address: Marketplace, abi: marketplaceAbi, functionName: "feeRecipient" });
  await expect(buyerPage.getByTestId("buy-total")).toHaveText("Total: 250.00 dUSD");
  await buyerPage.getByTestId("buy-button").click();
  await expect(buyerPage.getByTestId("buy-done")).toContainText("The device is yours", { timeout: 60_000 });

  // The sale's block against the block before it (anvil mines one transaction per block): the token and every
  // dUSD movement happened in that one transaction, and nothing else moved them.
  const [sold] = await publicClient.getContractEvents({ address: Marketplace, abi: marketplaceAbi, eventName: "DeviceSold", args: { tokenId }, fromBlock: 0n });
  expect(sold).toBeDefined();
  const at = sold!.blockNumber;
  const ownerAt = (blockNumber: bigint) => publicClient.readContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "ownerOf", args: [tokenId], blockNumber });
  const dusdAt = dusdBalance;
  const price = 250_000_000n;
  const fee = (price * feeBps) / 10_000n;
  expect(await ownerAt(at - 1n)).toBe(seller.address);
  expect(await ownerAt(at)).toBe(buyer.address);
  expect((await dusdAt(buyer.address, at - 1n)) - (await dusdAt(buyer.address, at))).toBe(price);
  expect((await dusdAt(seller.address, at)) - (await dusdAt(seller.address, at - 1n))).toBe(price - fee);
  if (fee > 0n) expect((await dusdAt(feeRecipient, at)) - (await dusdAt(feeRecipient, at - 1n))).toBe(fee);
  expect(sold!.args).toMatchObject({ seller: seller.address, buyer: buyer.address, price });
  expect(await publicClient.readContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "ownerOf", args: [tokenId] })).toBe(buyer.address);
  await buyerPage.close();
});
