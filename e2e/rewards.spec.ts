import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { createPublicClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil } from "viem/chains";
import { demoTokenAbi } from "../lib/chain/abi.generated";
import { readDeployment } from "../lib/chain/deployments";
import { embeddedPostgresUrl } from "../lib/db/embedded";
import { ANVIL_RPC_URL, connectAndSignIn, expect, test } from "./fixtures";
import { ANVIL_DEV_PRIVATE_KEYS } from "./wallet";

/**
 * Rewards journey (issue #5): an epoch closes for a device the wallet owns, its proof is verified on-chain, the owner
 * claims everything in /earnings with one transaction and the wallet's RewardToken balance rises by exactly the
 * amount shown; then /proofs/[id] verifies the batch proof in the browser.
 */

const WALLET_INDEX = 4;
/** Admin of the driver's own project: a key nothing else in the stack sends with (the worker uses the deployer's). */
const PROJECT_ADMIN_INDEX = 9;
const owner = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[WALLET_INDEX] as Hex).address;
const dataDir = process.env.E2E_DATA_DIR ?? "";
const deploymentsFile = join(dataDir, "deployments.json");

test.use({ walletAccountIndex: WALLET_INDEX });

test("an owner claims a proved epoch's rewards and verifies the proof in the browser", async ({ page, wallet, baseURL }) => {
  // Generous: on a loaded 2-core machine the worker may be proving the demo project's epoch before it indexes ours.
  test.setTimeout(600_000);
  void wallet;
  // The epoch pipeline runs in a tsx child: lib/rewards is server-only (react-server condition).
  const output = execFileSync("npx", ["tsx", "--conditions=react-server", "scripts/e2e-reward-epoch.ts"], {
    env: {
      ...process.env,
      DATABASE_URL: embeddedPostgresUrl(Number(process.env.E2E_PG_PORT ?? 55433)),
      RPC_URL: ANVIL_RPC_URL,
      DEPLOYMENTS_FILE: deploymentsFile,
      APP_URL: baseURL!,
      OWNER: owner,
      RUN_SEED: `${dataDir}:${Date.now()}`,
      PROJECT_ADMIN_PRIVATE_KEY: ANVIL_DEV_PRIVATE_KEYS[PROJECT_ADMIN_INDEX],
      // The same epoch length as the stack's worker (playwright.config.ts), whose reward job also sees this project.
      REWARD_EPOCH_SECONDS: process.env.E2E_REWARD_EPOCH_SECONDS,
    },
    encoding: "utf8",
    // The driver's progress (stderr) shows in the report; only its last stdout line is the result.
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 480_000,
  });
  const { epochId, amount } = JSON.parse(output.trim().split("\n").at(-1)!) as { epochId: number; amount: string };
  expect(BigInt(amount)).toBeGreaterThan(0n);

  const token = readDeployment(deploymentsFile, anvil.id)!.contracts.RewardToken;
  const client = createPublicClient({ chain: anvil, transport: http(ANVIL_RPC_URL) });
  const balance = () => client.readContract({ address: token, abi: demoTokenAbi, functionName: "balanceOf", args: [owner as Address] });

  await page.goto("/earnings");
  await connectAndSignIn(page, owner);
  await page.reload();
  const claimable = page.getByTestId("earnings-claimable");
  await expect(claimable).toHaveAttribute("data-amount", amount);
  const before = await balance();
  await page.getByTestId("claim-all").click();
  await expect(page.getByTestId("transaction-status")).toContainText("Done");
  expect((await balance()) - before).toBe(BigInt(amount));
  await expect(page.getByTestId("earnings-claimed")).toHaveAttribute("data-amount", amount);
  await expect(claimable).toHaveAttribute("data-amount", "0");

  await page.goto(`/proofs/${epochId}`);
  await expect(page.getByTestId("epoch-status")).toHaveText("Verified on-chain");
  await page.getByTestId("verify-in-browser").click();
  await expect(page.getByTestId("verify-batch-0")).toHaveAttribute("data-result", "valid", { timeout: 60_000 });
});
