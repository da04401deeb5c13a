import { keccak256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { connectAndSignIn, expect, test } from "./fixtures";
import { cellAt } from "../lib/market/cell-geometry";
import { ownDevices, sendTelemetry, signedInPage } from "./market-setup";
import { devAccount } from "./wallet";

/**
 * Demand side of the market (issue #7): a consumer posts a request for PM2.5 over an area picked on the map; an owner
 * whose device measured PM2.5 there sees it among their dashboard's matches, responds with a feed listing prefilled
 * from the request, and the listing shows up as an offer on the request's page. The seller then pauses the listing and
 * the consumer closes the request, each from its page.
 *
 * Accounts (shared with e2e/market.spec.ts, this feature's only): 12 owner, 13 consumer, 15 project admin.
 */

const OWNER = 12;
const CONSUMER = 13;
const PROJECT_ADMIN = 15;
const owner = devAccount(OWNER);
const runSeed = process.env.E2E_DATA_DIR ?? "adhoc";
const deviceKey = keccak256(stringToBytes(`e2e-market-requests:device:${runSeed}`));
const device = privateKeyToAccount(deviceKey).address;
// The centre of Lisbon, as the offline place search knows it (lib/map/cities.ts).
const LISBON = { lat: 38.7223, lon: -9.1393 };
const lisbonCell = cellAt(LISBON.lat, LISBON.lon);
const HOUR_MS = 3_600_000;

test.use({ walletAccountIndex: OWNER });

test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(180_000);
  await ownDevices(baseURL!, { adminIndex: PROJECT_ADMIN, owner: owner.address, deviceKeys: [deviceKey], projectName: "E2E Market Requests" });
  // Readings of the finished hour: the worker's hourly job turns them into the DeviceHour rows matching reads.
  const lastHour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const position = { latE6: Math.round(LISBON.lat * 1e6), lonE6: Math.round(LISBON.lon * 1e6) };
  await sendTelemetry(baseURL!, deviceKey, 1n, Array.from({ length: 5 }, (_, i) => ({ timestamp: lastHour + (10 + i) * 60_000, pm25DeciUgM3: 80 + i, position })));
});

test("a request picked on the map reaches a fitting owner, who answers with a listing that becomes its offer", async ({ page, wallet, browser }) => {
  test.setTimeout(300_000);
  void wallet;
  const title = `PM2.5 Lisbon ${runSeed.slice(-6)} ${Date.now()}`;

  // 1. The consumer posts a request; the area comes from the place search and clicks on the map.
  const consumerPage = await signedInPage(browser, CONSUMER, "/market/requests/new");
  await consumerPage.reload();
  const form = consumerPage.getByTestId("new-request");
  await consumerPage.getByTestId("new-request-submit").click();
  await expect(form.getByText("The title needs at least 3 characters")).toBeVisible();
  await expect(form.getByText("Pick at least one cell on the map or type one")).toBeVisible();
  await expect(form.getByText("Enter a price")).toBeVisible();

  await form.getByLabel("Title", { exact: true }).fill(title);
  await form.getByLabel("Metric", { exact: true }).selectOption("pm25");
  await form.getByLabel("Add a place", { exact: true }).fill("Lisbon");
  await form.getByLabel("Add a place", { exact: true }).press("Enter");
  const cellsField = form.getByLabel("H3 cells (click the map, add a place, or type them)");
  await expect(cellsField).toHaveValue(lisbonCell);
  const count = consumerPage.getByTestId("picked-count");
  await expect(count).toContainText("1 cell picked");
  // A click on the map toggles the cell under it; a second click on the same spot toggles it back.
  const canvas = form.locator(".cell-picker canvas");
  await expect(canvas).toBeVisible();
  await canvas.click({ position: { x: 40, y: 40 } });
  await expect(count).not.toContainText("1 cell picked");
  await canvas.click({ position: { x: 40, y: 40 } });
  await expect(count).toContainText("1 cell picked");
  await expect(cellsField).toHaveValue(lisbonCell);

  await form.getByLabel("Number of devices").fill("1");
  await form.getByLabel("Duration (days)").fill("30");
  await form.getByLabel("Budget (dUSD, for the whole duration)").fill("50");
  await consumerPage.getByTestId("new-request-submit").click();
  const requestLink = consumerPage.getByTestId("new-request-link");
  await expect(requestLink).toBeVisible();
  const requestPath = (await requestLink.getAttribute("href"))!;
  await requestLink.click();
  await expect(consumerPage.getByTestId("request-no-offers")).toBeVisible();

  // 2. The owner's dashboard suggests it once the worker has computed the device's last hour.
  await page.goto("/market/dashboard");
  await connectAndSignIn(page, owner.address);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("seller-matches").getByRole("link", { name: title })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 150_000, intervals: [3_000] });
  await page.getByTestId("seller-matches").getByRole("listitem").filter({ hasText: title }).getByRole("link", { name: "Respond with a listing" }).click();

  // 3. The listing form comes prefilled from the request; the owner picks the device and a price.
  await expect(page.getByTestId("answering-request")).toContainText(title);
  const listing = page.getByTestId("new-listing");
  await expect(listing.getByLabel("Title", { exact: true })).toHaveValue(title);
  await expect(listing.getByRole("checkbox", { name: "pm25", exact: true })).toBeChecked();
  await expect(listing.getByLabel("Area as H3 cells (optional)")).toHaveValue(lisbonCell);
  await page.getByTestId(`pick-device-${device.toLowerCase()}`).check();
  await listing.getByLabel("Price per month (dUSD)").fill("45");
  await page.getByTestId("new-listing-submit").click();
  await expect(page.getByTestId("new-listing-link")).toBeVisible();

  // 4. The consumer's request now lists it as an offer within budget (30 days of 45 dUSD/month = 45 dUSD ≤ 50).
  await consumerPage.goto(requestPath);
  const offers = consumerPage.getByTestId("request-offers");
  await expect(offers.getByRole("row").filter({ hasText: title })).toContainText("within budget");
  await expect(offers.getByRole("row").filter({ hasText: title })).toContainText("45.00 dUSD");

  // 5. The seller pauses the listing from its page; a paused listing is no offer. Only the seller has the buttons.
  await page.getByTestId("new-listing-link").click();
  const sellerActions = page.getByTestId("listing-seller-actions");
  await sellerActions.getByRole("button", { name: "Pause listing" }).click();
  await expect(page.getByTestId("listing-price")).toContainText("paused");
  await expect(sellerActions.getByRole("button", { name: "Reopen listing" })).toBeVisible();
  const listingPath = new URL(page.url()).pathname;
  await consumerPage.goto(listingPath);
  await expect(consumerPage.getByTestId("listing-price")).toContainText("paused");
  await expect(consumerPage.getByTestId("listing-seller-actions")).toHaveCount(0);
  await consumerPage.goto(requestPath);
  await expect(consumerPage.getByTestId("request-no-offers")).toBeVisible();

  // 6. The consumer closes the request, asked once more first; it reads closed for everyone, and the owner never had the button.
  const buyerActions = consumerPage.getByTestId("request-buyer-actions");
  await buyerActions.getByRole("button", { name: "Close request" }).click();
  await buyerActions.getByRole("button", { name: "Close it: sellers stop seeing it?" }).click();
  await expect(consumerPage.getByTestId("request-summary")).toContainText("closed");
  await expect(buyerActions).toHaveCount(0);
  await page.goto(requestPath);
  await expect(page.getByTestId("request-summary")).toContainText("closed");
  await expect(page.getByTestId("request-buyer-actions")).toHaveCount(0);
  await page.goto("/market/dashboard");
  await expect(page.getByTestId("seller-matches").getByRole("link", { name: title })).toHaveCount(0);
  await consumerPage.close();
});
