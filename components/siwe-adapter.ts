import { createAuthenticationAdapter } from "@rainbow-me/rainbowkit";
import { createSiweMessage } from "viem/siwe";
import { apiFetch, postJson } from "./api-client";

/** How long the signed message itself stays valid; the server nonce expires on its own schedule. */
const MESSAGE_TTL_MS = 10 * 60_000;

export interface SiweAdapterCallbacks {
  /** The server session changed (signed in or out). */
  onSessionChange: () => Promise<void>;
  /** The server's reason a sign-in failed, or null when a new attempt starts. */
  onError: (message: string | null) => void;
}

/** RainbowKit's sign-in flow backed by our /api/auth routes. */
export function createSiweAdapter({ onSessionChange, onError }: SiweAdapterCallbacks) {
  return createAuthenticationAdapter<string>({
    getNonce: async () => {
      onError(null);
      return (await apiFetch<{ nonce: string }>("/api/auth/nonce")).nonce;
    },
    createMessage: ({ nonce, address, chainId }) =>
      createSiweMessage({
        // The page's own host and origin: wallets warn when these differ from the site asking.
        domain: window.location.host,
        uri: window.location.origin,
        address,
        chainId,
        nonce,
        version: "1",
        statement: "Sign in to DePIN Hub with this wallet.",
        issuedAt: new Date(),
        expirationTime: new Date(Date.now() + MESSAGE_TTL_MS),
      }),
    verify: async ({ message, signature }) => {
      try {
        await postJson("/api/auth/verify", { message, signature });
        await onSessionChange();
        return true;
      } catch (error) {
        onError(error instanceof Error ? error.message : "Sign-in failed.");
        return false;
      }
    },
    signOut: async () => {
      await postJson("/api/auth/logout");
      await onSessionChange();
    },
  });
}
