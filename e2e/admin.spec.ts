import { readFileSync } from "node:fs";
import { keccak256, stringToBytes } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { connectAndSignIn, expect, test } from "./fixtures";

/**
 * Project admin journey: create a project through the wallet, upload a device
 * list with a mistake, read the validation report, fix it, register on-chain,
 * download the claim labels and deactivate a device from the fleet table.
 * Account 4 is used by no other spec, so it starts without projects.
 */
const runSeed = process.env.E2E_DATA_DIR ?? "adhoc";
const devices = [0, 1, 2].map((i) => privateKeyToAccount(keccak256(stringToBytes(`e2e-admin:device:${i}:${runSeed}`))).address);
const projectName = `E2E Admin Fleet ${keccak256(stringToBytes(runSeed)).slice(2, 8)}`;

test.use({ walletAccountIndex: 4 });

test("creates a project, registers a checked CSV, prints labels and deactivates a device", async ({ page, wallet }) => {
  test.setTimeout(360_000);
  await page.goto("/admin");
  // On a busy machine a click before hydration is lost: the connect button does nothing yet.
  await page.waitForLoadState("networkidle");
  await connectAndSignIn(page, wallet.address);
  await page.reload();

  // 1. Create the project on-chain.
  const form = page.getByTestId("create-project");
  await form.getByLabel("Name").fill(projectName);
  await form.getByRole("button", { name: "Create the project" }).click();
  await expect(page.getByTestId("create-project-progress")).toContainText("created", { timeout: 30_000 });
  const projectLink = page.getByTestId("my-projects").getByRole("link", { name: projectName });
  await expect(async () => {
    await page.reload();
    await expect(projectLink).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  await projectLink.click();
  await expect(page.getByRole("heading", { level: 1, name: projectName })).toBeVisible();
  await page.getByRole("link", { name: "Register devices", exact: true }).click();
  await expect(page).toHaveURL(/\/register$/);

  // 2. A list with a typo on line 3: nothing can be sent.
  const header = "address,model,serial,firmware";
  const rows = devices.map((device, i) => `${device},AQ-Tracker v2,E2E-${i + 1},1.4.2`);
  const broken = [header, rows[0], rows[1]!.replace(/^0x/, "0y"), rows[2]].join("\r\n");
  await page.getByTestId("csv-text").fill(broken);
  await page.getByRole("button", { name: "Check the list" }).click();
  const report = page.getByTestId("validation-report");
  await expect(page.getByTestId("validation-summary")).toContainText("3 rows: 2 ready to register, 0 already registered (skipped), 1 error.");
  await expect(report.locator('tr[data-severity="error"]')).toHaveCount(1);
  await expect(report.locator('tr[data-severity="error"] td').first()).toHaveText("3");
  await expect(page.getByTestId("register-devices")).toHaveCount(0);

  // 3. Fixed: register all three in one batch.
  await page.getByTestId("csv-text").fill([header, ...rows].join("\n"));
  await page.getByRole("button", { name: "Check the list" }).click();
  await expect(page.getByTestId("validation-summary")).toContainText("3 rows: 3 ready to register, 0 already registered (skipped), 0 errors.");
  await page.getByTestId("register-devices").click();
  const progress = page.getByTestId("registration-progress");
  await expect(progress).toHaveAttribute("data-phase", "finished", { timeout: 60_000 });
  await expect(progress).toContainText("Done: 3 registered now");

  // 4. Claim labels: generated in the browser, one PDF.
  const downloadPromise = page.waitForEvent("download");
  await page.getByTestId("download-labels").click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/-claim-labels\.pdf$/);
  expect(readFileSync(await download.path()).subarray(0, 5).toString()).toBe("%PDF-");

  // 5. The fleet shows the three devices once indexed; deactivate E2E-1.
  await page.getByRole("link", { name: "Fleet", exact: true }).click();
  // A reload before the client-side navigation commits would reload the register page.
  await expect(page).toHaveURL(/\/admin\/projects\/\d+$/);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("fleet-total")).toHaveText("3 devices", { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
  const row = page.locator(`[data-address="${devices[0]!.toLowerCase()}"]`);
  await expect(row).toContainText("E2E-1");
  await expect(row).toContainText("1.4.2");
  await row.getByRole("checkbox").check();
  await page.getByTestId("bulk-deactivate").click();
  await expect(page.getByTestId("bulk-progress")).toContainText("Deactivating 1 / 1", { timeout: 30_000 });
  await expect(async () => {
    await page.reload();
    await expect(page.locator(`[data-address="${devices[0]!.toLowerCase()}"] [data-testid="device-active"]`)).toHaveText("deactivated", { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });

  // 6. Every action is in the audit log.
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page).toHaveURL(/\/audit$/);
  const audit = page.getByTestId("audit-log");
  await expect(audit).toContainText(`Created the project "${projectName}"`);
  await expect(audit).toContainText("Registered 3 devices");
  await expect(audit).toContainText("Deactivated");
  await expect(audit).toContainText("Generated claim labels for 3 devices");
});
