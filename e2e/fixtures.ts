import { test as base, expect, type Locator, type Page } from "@playwright/test";
import { ANVIL_CHAIN_ID, installTestWallet, TEST_WALLET_NAME, type TestWallet, type WalletChain } from "./wallet";

/** Set by playwright.config.ts from ANVIL_PORT; the default matches it for ad-hoc runs. */
export const ANVIL_RPC_URL = process.env.E2E_ANVIL_RPC_URL ?? "http://127.0.0.1:18545";

export interface WalletFixtureOptions {
  /** Which anvil dev account the wallet holds (0–9). */
  walletAccountIndex: number;
  /** Chain the wallet starts on. */
  walletChainId: number;
  /** Chains besides anvil the wallet knows, e.g. a "wrong network" served by anvil. */
  walletExtraChains: WalletChain[];
}

interface WalletFixtures {
  /** The test wallet, installed on `page` before the test navigates. */
  wallet: TestWallet;
}

export const test = base.extend<WalletFixtureOptions & WalletFixtures>({
  walletAccountIndex: [0, { option: true }],
  walletChainId: [ANVIL_CHAIN_ID, { option: true }],
  walletExtraChains: [[], { option: true }],
  wallet: async ({ page, walletAccountIndex, walletChainId, walletExtraChains }, use) => {
    const wallet = await installTestWallet(page, {
      anvilRpcUrl: ANVIL_RPC_URL,
      accountIndex: walletAccountIndex,
      chainId: walletChainId,
      extraChains: walletExtraChains,
    });
    await use(wallet);
  },
});

export { expect };

/** RainbowKit's label on the connected account button: "0xf39F…2266". */
export function shortAddress(address: string): string {
  return `${address.slice(0, 4)}\u2026${address.slice(-4)}`;
}

/** The header's RainbowKit ConnectButton (either state). */
export function connectButton(page: Page): Locator {
  return page.getByRole("banner").getByRole("button", { name: "Connect Wallet" });
}

export function accountButton(page: Page, address: string): Locator {
  return page.getByRole("banner").getByRole("button", { name: shortAddress(address) });
}

/** The RainbowKit modal that is open (connect, sign-in or account). */
function rainbowKitModal(page: Page): Locator {
  return page.getByRole("dialog");
}

/**
 * Signs in the way a user does: header "Connect Wallet" → "DePIN Test Wallet"
 * in RainbowKit's modal → "Sign message" (SIWE) → modal closes.
 */
export async function connectAndSignIn(page: Page, address: string): Promise<void> {
  const modal = rainbowKitModal(page);
  const walletOption = modal.getByRole("button", { name: TEST_WALLET_NAME });
  const signMessage = modal.getByRole("button", { name: "Sign message" });
  // Seen on a loaded CI machine: a click that lands before React hydrates the header opens nothing, and RainbowKit
  // can re-mount its wallet list while wallets announce themselves (the option detaches under the click). Open and
  // pick again until the sign-in step shows, as a user would.
  await expect(async () => {
    if (await signMessage.isVisible()) return;
    if (!(await modal.isVisible())) await connectButton(page).click({ timeout: 5_000 });
    await walletOption.click({ timeout: 5_000 });
    await expect(signMessage).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 120_000 });
  await signMessage.click();
  await expect(modal).toBeHidden();
  await expect(accountButton(page, address)).toBeVisible();
}

/** Opens the account modal from the header and presses RainbowKit's "Disconnect" (signs out too). */
export async function disconnect(page: Page, address: string): Promise<void> {
  await accountButton(page, address).click();
  const modal = rainbowKitModal(page);
  await modal.getByRole("button", { name: "Disconnect" }).click();
  await expect(connectButton(page)).toBeVisible();
}

/**
 * The signed-in address according to the server, asked from the page so the
 * browser's session cookie is sent. Contract: GET /api/auth/session answers
 * JSON with `address` (null when signed out); a 401 also counts as signed out.
 */
export async function sessionAddress(page: Page): Promise<string | null> {
  return page.evaluate(async () => {
    const response = await fetch("/api/auth/session", { credentials: "same-origin", cache: "no-store" });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`GET /api/auth/session answered ${response.status}`);
    const body = (await response.json()) as { address?: string | null };
    return body.address ?? null;
  });
}
