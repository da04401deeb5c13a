import { parseEther, recoverTypedDataAddress, verifyMessage, type Hex } from "viem";
import type { Page } from "@playwright/test";
import { ANVIL_RPC_URL, expect, test } from "./fixtures";
import { TEST_WALLET_NAME, TEST_WALLET_RDNS } from "./wallet";

/**
 * Self-test of the test wallet on a blank page: no app involved, only the
 * page-side provider, the Node-side signer and (for transactions) anvil.
 */

interface ProviderErrorShape {
  code: number;
  message: string;
}

// A routed stand-in origin: init scripts only run on navigation, which page.setContent on about:blank is not.
const BLANK_PAGE_URL = "http://wallet-self-test.invalid/";

test.beforeEach(async ({ page, wallet }) => {
  void wallet; // requested so the provider is installed before the page loads
  await page.route(BLANK_PAGE_URL, (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>wallet self-test</title>" }),
  );
  await page.goto(BLANK_PAGE_URL);
});

/** Evaluates one EIP-1193 request in the page through the provider discovered via EIP-6963. */
async function request(page: Page, method: string, params?: unknown): Promise<unknown> {
  return page.evaluate(
    async ({ method, params }) => {
      type Provider = { request(args: { method: string; params?: unknown }): Promise<unknown> };
      const provider = await new Promise<Provider>((resolve) => {
        window.addEventListener(
          "eip6963:announceProvider",
          (event) => resolve((event as CustomEvent<{ provider: Provider }>).detail.provider),
          { once: true },
        );
        window.dispatchEvent(new Event("eip6963:requestProvider"));
      });
      try {
        return { ok: true as const, value: await provider.request({ method, params }) };
      } catch (error) {
        const { code, message } = error as { code: number; message: string };
        return { ok: false as const, error: { code, message } };
      }
    },
    { method, params },
  ).then((outcome) => {
    if (!outcome.ok) throw Object.assign(new Error(outcome.error.message), outcome.error);
    return outcome.value;
  });
}

async function requestError(page: Page, method: string, params?: unknown) {
  return request(page, method, params).then(
    () => {
      throw new Error(`${method} unexpectedly succeeded`);
    },
    (error: ProviderErrorShape) => ({ code: error.code, message: error.message }),
  );
}

test("announces itself through EIP-6963 and not as window.ethereum", async ({ page }) => {
  const info = await page.evaluate(
    () =>
      new Promise<{ name: string; rdns: string; icon: string; uuid: string }>((resolve) => {
        window.addEventListener(
          "eip6963:announceProvider",
          (event) => resolve((event as CustomEvent<{ info: { name: string; rdns: string; icon: string; uuid: string } }>).detail.info),
          { once: true },
        );
        window.dispatchEvent(new Event("eip6963:requestProvider"));
      }),
  );
  expect(info).toMatchObject({ name: TEST_WALLET_NAME, rdns: TEST_WALLET_RDNS });
  expect(info.icon).toMatch(/^data:image\/svg\+xml,/);
  expect(await page.evaluate(() => "ethereum" in window)).toBe(false);
});

test("connects, reports the chain and signs messages the account really signed", async ({ page, wallet }) => {
  expect(await request(page, "eth_accounts")).toEqual([]);
  expect(await request(page, "eth_requestAccounts")).toEqual([wallet.address]);
  expect(await request(page, "eth_accounts")).toEqual([wallet.address]);
  expect(await request(page, "eth_chainId")).toBe("0x7a69");

  const message = "Sign in to DePIN Hub";
  const messageHex = `0x${Buffer.from(message).toString("hex")}`;
  const signature = (await request(page, "personal_sign", [messageHex, wallet.address])) as Hex;
  expect(await verifyMessage({ address: wallet.address, message, signature })).toBe(true);
});

test("signs EIP-712 typed data", async ({ page, wallet }) => {
  await request(page, "eth_requestAccounts");
  const typedData = {
    domain: { name: "DePIN Hub", version: "1", chainId: 31337 },
    types: {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
      ],
      Claim: [
        { name: "device", type: "address" },
        { name: "epoch", type: "uint256" },
      ],
    },
    primaryType: "Claim",
    message: { device: wallet.address, epoch: "7" },
  } as const;
  const signature = (await request(page, "eth_signTypedData_v4", [wallet.address, JSON.stringify(typedData)])) as Hex;
  const { EIP712Domain: _domain, ...types } = typedData.types;
  const signer = await recoverTypedDataAddress({
    domain: typedData.domain,
    types,
    primaryType: "Claim",
    message: { device: wallet.address, epoch: 7n },
    signature,
  });
  expect(signer).toBe(wallet.address);
});

test("a rejected prompt gives EIP-1193 code 4001; signing before connecting gives 4100", async ({ page, wallet }) => {
  wallet.rejectNextPrompt("eth_requestAccounts");
  expect(await requestError(page, "eth_requestAccounts")).toMatchObject({ code: 4001 });
  expect(await request(page, "eth_accounts")).toEqual([]);

  expect(await requestError(page, "personal_sign", ["0x68656c6c6f", wallet.address])).toMatchObject({ code: 4100 });

  await request(page, "eth_requestAccounts");
  wallet.rejectNextPrompt();
  expect(await requestError(page, "personal_sign", ["0x68656c6c6f", wallet.address])).toMatchObject({ code: 4001 });
});

test.describe("chains", () => {
  test.use({ walletExtraChains: [{ id: 4690, name: "IoTeX Testnet (served by anvil)", rpcUrl: ANVIL_RPC_URL }] });

  test("switches among known chains with chainChanged, unknown chains give 4902", async ({ page }) => {
    await page.evaluate(() => {
      const seen: unknown[] = [];
      (window as unknown as { chainEvents: unknown[] }).chainEvents = seen;
      window.addEventListener(
        "eip6963:announceProvider",
        (event) => {
          const { provider } = (event as CustomEvent<{ provider: { on(e: string, l: (p: unknown) => void): void } }>).detail;
          provider.on("chainChanged", (chainId) => seen.push(chainId));
        },
        { once: true },
      );
      window.dispatchEvent(new Event("eip6963:requestProvider"));
    });
    expect(await request(page, "wallet_switchEthereumChain", [{ chainId: "0x1252" }])).toBeNull();
    expect(await request(page, "eth_chainId")).toBe("0x1252");
    await expect.poll(() => page.evaluate(() => (window as unknown as { chainEvents: unknown[] }).chainEvents)).toEqual(["0x1252"]);
    expect(await requestError(page, "wallet_switchEthereumChain", [{ chainId: "0x1" }])).toMatchObject({ code: 4902 });
  });
});

test("sends real transactions to anvil, signed in Node", async ({ page, wallet }) => {
  await request(page, "eth_requestAccounts");
  const recipient = "0x000000000000000000000000000000000000dEaD";
  const before = BigInt((await request(page, "eth_getBalance", [recipient, "latest"])) as string);
  const hash = (await request(page, "eth_sendTransaction", [
    { from: wallet.address, to: recipient, value: `0x${parseEther("1").toString(16)}` },
  ])) as Hex;
  await expect
    .poll(async () => ((await request(page, "eth_getTransactionReceipt", [hash])) as { status?: string } | null)?.status)
    .toBe("0x1");
  const after = BigInt((await request(page, "eth_getBalance", [recipient, "latest"])) as string);
  expect(after - before).toBe(parseEther("1"));
});
