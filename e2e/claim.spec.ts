import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, stringToBytes, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil } from "viem/chains";
import { deviceRegistryAbi, projectRegistryAbi } from "../lib/chain/abi.generated";
import { formatClaimLabel } from "../lib/devices/claim-label";
import { shortAddress } from "../lib/devices/format";
import { demoDeviceKey } from "../lib/seed/demo-fleet";
import { ANVIL_RPC_URL, connectAndSignIn, expect, test } from "./fixtures";
import { ANVIL_DEV_PRIVATE_KEYS } from "./wallet";

/**
 * Claiming journey: by label (browser-side signature, key never sent) and by
 * pairing (demo device, simulated pair button), then My devices; a second
 * wallet is told plainly that the device is already claimed.
 *
 * The seed registers no claim keys, so this spec registers its own device with
 * one, as the local admin (anvil account 0); the owners are accounts 1 and 2.
 */

const demoDevice0 = privateKeyToAccount(demoDeviceKey(0)).address;

// Derived from this run's data dir: a worker restarted after a failure must see the same device.
const runSeed = process.env.E2E_DATA_DIR ?? "adhoc";
const labelDevice = privateKeyToAccount(keccak256(stringToBytes(`e2e-claim:device:${runSeed}`))).address;
const claimKey = keccak256(stringToBytes(`e2e-claim:claim-key:${runSeed}`));
const label = formatClaimLabel({ device: labelDevice, claimPrivateKey: claimKey });

function deployment(): { DeviceRegistry: Address; ProjectRegistry: Address } {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is set by playwright.config.ts");
  const file = JSON.parse(readFileSync(join(dataDir, "deployments.json"), "utf8")) as Record<string, { contracts: { DeviceRegistry: Address; ProjectRegistry: Address } }>;
  const entry = file[String(anvil.id)];
  if (!entry) throw new Error("no local deployment");
  return entry.contracts;
}

test.beforeAll(async () => {
  const admin = privateKeyToAccount(ANVIL_DEV_PRIVATE_KEYS[0] as Hex);
  const publicClient = createPublicClient({ chain: anvil, transport: http(ANVIL_RPC_URL) });
  const wallet = createWalletClient({ account: admin, chain: anvil, transport: http(ANVIL_RPC_URL) });
  const contracts = deployment();
  const existing = await publicClient.readContract({ address: contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [labelDevice] });
  if (existing.projectId !== 0n) return;
  const { request, result: projectId } = await publicClient.simulateContract({
    account: admin,
    address: contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["E2E Label Fleet", "", zeroAddress],
  });
  await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
  const hash = await wallet.writeContract({
    address: contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [projectId, [{ device: labelDevice, model: stringToHex("AQ-Tracker v2", { size: 32 }), claimKey: privateKeyToAccount(claimKey).address }]],
  });
  await publicClient.waitForTransactionReceipt({ hash });
});

test.describe("owner", () => {
  test.use({ walletAccountIndex: 1 });

  test("claims by label and by pairing, then sees both under My devices", async ({ page, wallet }) => {
    const sentAnywhere: string[] = [];
    page.on("request", (request) => sentAnywhere.push(`${request.url()}\n${request.postData() ?? ""}`));

    await page.goto("/devices");
    await connectAndSignIn(page, wallet.address);
    await expect(page.getByTestId("devices-empty")).toBeVisible();
    await page.getByRole("link", { name: "Claim your first device" }).click();

    // 1. Label claim.
    await page.getByLabel("Claim label text").fill(label);
    await page.getByRole("button", { name: "Show the device" }).click();
    const preview = page.getByTestId("device-preview");
    await expect(preview).toContainText(labelDevice);
    await expect(preview).toContainText("Unclaimed");
    await page.getByRole("button", { name: "Sign and claim" }).click();
    await expect(page.getByTestId("transaction-status")).toContainText("the transaction is confirmed", { timeout: 30_000 });
    await expect(page.getByTestId("transaction-steps").getByRole("listitem")).toHaveCount(3);

    // The claim key never left the page, in any form.
    const keyHex = claimKey.slice(2).toLowerCase();
    expect(sentAnywhere.filter((entry) => entry.toLowerCase().includes(keyHex))).toEqual([]);

    // 2. Pairing with demo device 0 (its button is "pressed" by the local-only demo endpoint).
    await page.getByRole("radio", { name: /By pairing/ }).check();
    await page.getByLabel("Device address").fill(demoDevice0);
    await page.getByRole("button", { name: "Show the device" }).click();
    await expect(page.getByTestId("device-preview")).toContainText("DePIN Hub Demo");
    await page.getByRole("button", { name: "Ask the device to pair" }).click();
    await expect(page.getByTestId("pairing-status")).toContainText("press its pair button");
    await page.getByRole("button", { name: "Press the demo device's pair button" }).click();
    await page.getByRole("button", { name: "Send the claim from your wallet" }).click();
    await expect(page.getByTestId("transaction-status")).toContainText("the transaction is confirmed", { timeout: 30_000 });

    // 3. My devices, from the chain index (the worker indexes within a tick or two).
    await expect
      .poll(async () => ((await (await page.request.get(`/api/devices/${demoDevice0}`)).json()) as { owner: string | null }).owner, { timeout: 30_000 })
      .toBe(wallet.address);
    await expect
      .poll(async () => {
        await page.goto("/devices");
        return (await page.getByTestId("my-devices").textContent().catch(() => null)) ?? "";
      }, { timeout: 45_000, intervals: [1000, 2000, 3000] })
      .toContain(shortAddress(demoDevice0));
    await expect(page.getByTestId("my-devices")).toContainText("DePIN Hub Demo");
    await expect(page.getByTestId("my-devices")).toContainText(shortAddress(labelDevice));
    await expect(page.getByTestId("my-devices")).toContainText("E2E Label Fleet");
  });
});

test.describe("second wallet", () => {
  test.use({ walletAccountIndex: 2 });

  test("is told plainly that the labelled device is already claimed", async ({ page, wallet }) => {
    await page.goto("/devices/claim");
    await connectAndSignIn(page, wallet.address);
    await page.getByLabel("Claim label text").fill(label);
    await page.getByRole("button", { name: "Show the device" }).click();
    await expect(page.getByTestId("claim-blocker")).toHaveText(/already claimed by another wallet/);
    await expect(page.getByRole("button", { name: "Sign and claim" })).toHaveCount(0);
  });
});
