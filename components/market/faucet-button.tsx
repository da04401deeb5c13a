"use client";

import { useState } from "react";
import { erc20Abi, type Address } from "viem";
import { useAccount, useReadContract } from "wagmi";
import { ApiError, postJson } from "@/components/api-client";
import { usePublicConfig } from "@/components/public-config-context";
import { formatAmount } from "@/lib/market/format";

/**
 * Local demo chain only (the server renders it only when its faucet works):
 * mints 1,000 demo dUSD to the signed-in wallet, and shows the wallet's balance.
 */
export function FaucetButton() {
  const { chainId, contracts } = usePublicConfig();
  const { address } = useAccount();
  const stablecoin = contracts?.Stablecoin;
  const balance = useReadContract({
    chainId,
    address: stablecoin,
    abi: erc20Abi,
    functionName: "balanceOf",
    args: [address as Address],
    query: { enabled: Boolean(stablecoin && address) },
  });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  if (!stablecoin || !address) return null;

  async function drip() {
    setBusy(true);
    setMessage(null);
    try {
      const { amount } = await postJson<{ amount: string }>("/api/market/faucet");
      await balance.refetch();
      setMessage({ kind: "ok", text: `${formatAmount(amount)} of demo money arrived in your wallet.` });
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 401
          ? "Sign in with your wallet first (the button at the top of the page)."
          : error instanceof ApiError
            ? error.message
            : "The faucet did not answer; try again.";
      setMessage({ kind: "error", text });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="faucet" data-testid="faucet">
      <span data-testid="stablecoin-balance" data-amount={balance.data?.toString() ?? ""}>
        Your balance: {balance.data === undefined ? "…" : formatAmount(balance.data)}
      </span>{" "}
      <button type="button" onClick={drip} disabled={busy} aria-describedby="faucet-help" data-testid="faucet-button">
        {busy ? "Minting…" : "Get 1,000 demo dUSD"}
      </button>
      <span id="faucet-help" className="muted">
        {" "}
        Local demo chain only: the money is worthless.
      </span>
      {message && (
        <p role={message.kind === "error" ? "alert" : "status"} data-testid="faucet-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
