"use client";

import { useAccount, useSwitchChain } from "wagmi";
import { SUPPORTED_CHAINS } from "@/lib/config/chains";
import { usePublicConfig, useSignInError } from "./public-config-context";

function chainName(chainId: number): string {
  return SUPPORTED_CHAINS[chainId]?.name ?? `chain ${chainId}`;
}

/** Shown while the connected wallet is on another chain than the app. */
export function NetworkBanner() {
  const { chainId: appChainId } = usePublicConfig();
  const { isConnected, chainId: walletChainId } = useAccount();
  const { switchChain, isPending, error, reset } = useSwitchChain();

  if (!isConnected || walletChainId === undefined || walletChainId === appChainId) return null;

  const target = chainName(appChainId);
  return (
    <section className="banner banner-warning" role="region" aria-label="Wrong network">
      <div className="container banner-row">
        <p>
          Your wallet is on <strong>{chainName(walletChainId)}</strong>, but DePIN Hub runs on <strong>{target}</strong>.
        </p>
        <button
          type="button"
          className="button"
          disabled={isPending}
          aria-busy={isPending}
          onClick={() => {
            reset();
            switchChain({ chainId: appChainId });
          }}
        >
          {isPending ? `Switching to ${target}…` : `Switch to ${target}`}
        </button>
        {error ? (
          <p role="alert" className="banner-error">
            Could not switch networks: {error.name === "UserRejectedRequestError" ? "the request was rejected in your wallet." : error.message.split("\n")[0]}
          </p>
        ) : null}
      </div>
    </section>
  );
}

/** Why the last sign-in attempt failed, in the server's words (RainbowKit only shows a generic retry). */
export function SignInErrorBanner() {
  const { message, dismiss } = useSignInError();
  if (!message) return null;
  return (
    <section className="banner banner-error-bg" role="region" aria-label="Sign-in problem">
      <div className="container banner-row">
        <p role="alert">Sign-in failed: {message}</p>
        <button type="button" className="button button-secondary" onClick={dismiss}>
          Dismiss
        </button>
      </div>
    </section>
  );
}
