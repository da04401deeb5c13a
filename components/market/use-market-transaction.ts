"use client";

import { useCallback, useState } from "react";
import type { Abi, Address, Hex } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { explainFailure, failure } from "@/lib/devices/claim-errors";
import { usePublicConfig } from "@/components/public-config-context";
import type { TransactionState } from "@/components/devices/use-registry-transaction";

export interface MarketCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

/**
 * Sends market transactions (token approvals, orders, device sales) one after
 * another from the connected wallet, with the same steps as the registry's
 * transactions: simulated first, so a revert is explained before the wallet asks.
 */
export function useMarketTransaction() {
  const { chainId: appChainId } = usePublicConfig();
  const { address, chainId: walletChainId } = useAccount();
  const publicClient = usePublicClient({ chainId: appChainId });
  const { writeContractAsync } = useWriteContract();
  const [state, setState] = useState<TransactionState>({ step: "idle" });

  const send = useCallback(
    async (call: MarketCall): Promise<boolean> => {
      if (!publicClient || !address) {
        setState({ step: "failed", failure: { ...failure("unknown"), message: "Connect your wallet first." } });
        return false;
      }
      if (walletChainId !== appChainId) {
        setState({ step: "failed", failure: failure("wrong_network") });
        return false;
      }
      let hash: Hex | undefined;
      try {
        setState({ step: "checking" });
        const { request } = await publicClient.simulateContract({ account: address, ...call } as Parameters<typeof publicClient.simulateContract>[0]);
        setState({ step: "sign" });
        hash = await writeContractAsync({ ...(request as Parameters<typeof writeContractAsync>[0]), chainId: appChainId });
        setState({ step: "pending", hash });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error("The transaction was reverted.");
        setState({ step: "confirmed", hash });
        return true;
      } catch (error) {
        setState({ step: "failed", failure: explainFailure(error), ...(hash ? { hash } : {}) });
        return false;
      }
    },
    [address, appChainId, publicClient, walletChainId, writeContractAsync],
  );

  const busy = state.step === "checking" || state.step === "sign" || state.step === "pending";
  return { state, send, busy, account: address };
}
