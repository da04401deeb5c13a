import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { embeddedPostgresUrl } from "../lib/db/embedded";
import { ANVIL_RPC_URL, connectAndSignIn, expect, test } from "./fixtures";
import { ANVIL_DEV_PRIVATE_KEYS, devAccount } from "./wallet";

/**
 * Issue #8: "deactivate a device and see it stop earning". The wallet (account 18, used by no other spec) administers
 * a project whose three devices all reported in an epoch; it deactivates one in the fleet table; the epoch then
 * computed, proved and finalized pays that device 0 and the other two more than 0, as the fleet table and the
 * admin's rewards page show. A driver (scripts/e2e-admin-epoch.ts) does the chain and epoch work around the browser.
 */
const ADMIN_INDEX = 18;
const dataDir = process.env.E2E_DATA_DIR ?? "";
const runSeed = `${dataDir}:${Date.now()}`;

test.use({ walletAccountIndex: ADMIN_INDEX });

function driver(baseURL: string, env: Record<string, string>): Record<string, unknown> {
  const output = execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/e2e-admin-epoch.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: embeddedPostgresUrl(Number(process.env.E2E_PG_PORT ?? 55433)),
      RPC_URL: ANVIL_RPC_URL,
      DEPLOYMENTS_FILE: join(dataDir, "deployments.json"),
      APP_URL: baseURL,
      RUN_SEED: runSeed,
      PROJECT_ADMIN_PRIVATE_KEY: ANVIL_DEV_PRIVATE_KEYS[ADMIN_INDEX],
      // The same epoch length as the stack's worker (playwright.config.ts), whose reward job also sees this project.
      REWARD_EPOCH_SECONDS: process.env.E2E_REWARD_EPOCH_SECONDS,
      ...env,
    },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 420_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

test("a deactivated device earns nothing in the next epoch while the others do", async ({ page, wallet, baseURL }) => {
  test.setTimeout(720_000);
  expect(wallet.address).toBe(devAccount(ADMIN_INDEX).address);
  const setup = driver(baseURL!, { PHASE: "setup" }) as { projectId: number; onchainProjectId: string; epoch: number; devices: string[] };
  const [stopped, ...others] = setup.devices as [string, ...string[]];

  await page.goto(`/admin/projects/${setup.projectId}`);
  await page.waitForLoadState("networkidle");
  await connectAndSignIn(page, wallet.address);
  await page.reload();
  await expect(page.getByTestId("fleet-total")).toHaveText("3 devices", { timeout: 30_000 });
  const row = (address: string) => page.locator(`[data-address="${address}"]`);
  await row(stopped).getByRole("checkbox").check();
  await page.getByTestId("bulk-deactivate").click();
  await expect(page.getByTestId("bulk-progress")).toContainText("Deactivating 1 / 1", { timeout: 30_000 });
  await expect(async () => {
    await page.reload();
    await expect(row(stopped).getByTestId("device-active")).toHaveText("deactivated", { timeout: 10_000 });
  }).toPass({ timeout: 90_000 });

  const { amounts } = driver(baseURL!, { PHASE: "epoch", PROJECT_ID: String(setup.projectId), ONCHAIN_PROJECT_ID: setup.onchainProjectId, EPOCH: String(setup.epoch) }) as { amounts: Record<string, string> };
  expect(amounts[stopped]).toBe("0");
  for (const device of others) expect(BigInt(amounts[device]!)).toBeGreaterThan(0n);

  // The fleet table's earnings come from the finalized epoch: 0 for the deactivated device, more for the others.
  await page.goto(`/admin/projects/${setup.projectId}?sort=earnings&dir=desc`);
  await expect(row(stopped).getByTestId("device-earned")).toHaveText("0 DHR", { timeout: 30_000 });
  for (const device of others) {
    await expect(row(device).getByTestId("device-earned")).not.toHaveText(/^(0 DHR|—)$/);
    await expect(row(device).getByTestId("device-active")).toHaveText("active");
  }

  // The rewards page lists the epoch as verified on-chain; the preview over it shows the device inactive and unpaid.
  await page.getByRole("link", { name: "Rewards", exact: true }).click();
  await expect(page).toHaveURL(/\/rewards$/);
  await expect(page.getByTestId("epoch-table").locator(`tr[data-epoch="${setup.epoch}"]`)).toHaveAttribute("data-status", "confirmed");
  // Above the table: the next epoch (the worker's reward job may be closing later ones meanwhile) and its state.
  const upcoming = page.getByTestId("upcoming-epoch");
  await expect(upcoming).toHaveText(/^Next: epoch \d+ \(\d{4}-\d\d-\d\d \d\d:\d\d – \d\d:\d\d UTC\), (open|closed); .+\.$/);
  expect(Number(await upcoming.getAttribute("data-epoch"))).toBeGreaterThan(setup.epoch);
  await page.getByRole("button", { name: "Preview" }).click();
  const preview = page.getByTestId("preview-rows");
  await expect(preview.locator(`tr[data-device="${stopped}"]`)).toContainText("(inactive)");
  await expect(preview.locator(`tr[data-device="${stopped}"] td`).nth(4)).toHaveText("0 DHR");
});
