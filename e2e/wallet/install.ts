import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import {
  EMITTER_NAME,
  REQUEST_BINDING_NAME,
  type BridgeRequest,
  type Eip6963ProviderInfo,
  type InjectedProviderConfig,
  type ProviderEvent,
} from "./bridge";
import { installInjectedProvider } from "./page-provider";
import { TestWallet, type TestWalletOptions } from "./test-wallet";

export const TEST_WALLET_NAME = "DePIN Test Wallet";
export const TEST_WALLET_RDNS = "dev.depinhub.testwallet";

const ICON =
  "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0e7c66"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff" font-family="sans-serif">T</text></svg>',
  );

/**
 * Gives `page` an EIP-6963 wallet backed by a Node-side TestWallet.
 * Call before the first navigation: the provider must exist before app scripts run.
 */
export async function installTestWallet(page: Page, options: TestWalletOptions): Promise<TestWallet> {
  const wallet = new TestWallet(options);

  wallet.attach(async (event: ProviderEvent, payload: unknown) => {
    await page
      .evaluate(
        ({ emitterName, event, payload }) => {
          const emit = (window as unknown as Record<string, unknown>)[emitterName];
          if (typeof emit === "function") emit(event, payload);
        },
        { emitterName: EMITTER_NAME, event, payload },
      )
      // The page may be navigating or closed; a wallet event then has no listener anyway.
      .catch(() => undefined);
  });

  await page.exposeFunction(REQUEST_BINDING_NAME, (request: BridgeRequest) => wallet.handle(request));

  const info: Eip6963ProviderInfo = { uuid: randomUUID(), name: TEST_WALLET_NAME, icon: ICON, rdns: TEST_WALLET_RDNS };
  const config: InjectedProviderConfig = { info, requestBindingName: REQUEST_BINDING_NAME, emitterName: EMITTER_NAME };
  await page.addInitScript(installInjectedProvider, config);

  return wallet;
}
