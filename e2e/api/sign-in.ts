import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { createSiweMessage } from "viem/siwe";
import { anvil } from "viem/chains";
import { devAccount } from "../wallet";

/**
 * An API client signed in as one of anvil's dev accounts, the way a wallet
 * does it (GET nonce, sign EIP-4361, POST verify), without a browser. The
 * client address (X-Forwarded-For, which Next.js keeps when present) is its
 * own so its sign-in and API rate-limit buckets are not the browser specs'.
 */
export async function apiClient(baseURL: string, clientIp: string, accountIndex?: number): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { "x-forwarded-for": clientIp } });
  if (accountIndex === undefined) return context;
  const account = devAccount(accountIndex);
  const nonceResponse = await context.get("/api/auth/nonce");
  if (!nonceResponse.ok()) throw new Error(`GET /api/auth/nonce answered ${nonceResponse.status()}`);
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const url = new URL(baseURL);
  const message = createSiweMessage({
    domain: url.host,
    uri: url.origin,
    address: account.address,
    chainId: anvil.id,
    nonce,
    version: "1",
    issuedAt: new Date(),
    statement: "Sign in to DePIN Hub.",
  });
  const signature = await account.signMessage({ message });
  const verify = await context.post("/api/auth/verify", { data: { message, signature } });
  if (!verify.ok()) throw new Error(`POST /api/auth/verify answered ${verify.status()}: ${await verify.text()}`);
  return context;
}
