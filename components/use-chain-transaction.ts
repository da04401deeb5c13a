"use client";

import { useCallback, useState } from "react";
import type { Abi, Address, Hex, TransactionReceipt } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { explainFailure, failure, type ExplainedFailure } from "@/lib/devices/claim-errors";
import { usePublicConfig } from "@/components/public-config-context";

/** checking → sign (wallet prompt open) → pending (sent, waiting for a block) → confirmed; or failed at any step. */
export type TransactionState =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "sign" }
  | { step: "pending"; hash: Hex }
  | { step: "confirmed"; hash: Hex }
  | { step: "failed"; failure: ExplainedFailure; hash?: Hex };

type PublicContracts = NonNullable<ReturnType<typeof usePublicConfig>["contracts"]>;

/**
 * A contract call: to one of the app's contracts by name, or to any address
 * (e.g. a token to approve); a null address means "not configured", like a
 * missing named contract.
 */
export type ContractCall = {
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
} & ({ contract: keyof PublicContracts } | { address: Address | null });

/**
 * Sends one transaction from the connected wallet, simulated first so a revert
 * is explained before the wallet opens. Resolves with the receipt, or null
 * after a failure shown in `state`. Every wallet transaction in the UI goes through here.
 */
export function useChainTransaction() {
  const { chainId: appChainId, contracts } = usePublicConfig();
  const { address, chainId: walletChainId } = useAccount();
  const publicClient = usePublicClient({ chainId: appChainId });
  const { writeContractAsync } = useWriteContract();
  const [state, setState] = useState<TransactionState>({ step: "idle" });

  const send = useCallback(
    async (call: ContractCall): Promise<TransactionReceipt | null> => {
      const target = "address" in call ? call.address : contracts?.[call.contract];
      if (!target || !publicClient || !address) {
        setState({ step: "failed", failure: { ...failure("unknown"), message: "Connect your wallet first; the app also needs the chain's contracts configured." } });
        return null;
      }
      if (walletChainId !== appChainId) {
        setState({ step: "failed", failure: failure("wrong_network") });
        return null;
      }
      let hash: Hex | undefined;
      try {
        setState({ step: "checking" });
        const { request } = await publicClient.simulateContract({ account: address, address: target, abi: call.abi, functionName: call.functionName, args: call.args });
        setState({ step: "sign" });
        hash = await writeContractAsync({ ...(request as Parameters<typeof writeContractAsync>[0]), chainId: appChainId });
        setState({ step: "pending", hash });
        const receipt = await publicClient.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error("The transaction was reverted.");
        setState({ step: "confirmed", hash });
        return receipt;
      } catch (error) {
        setState({ step: "failed", failure: explainFailure(error), ...(hash ? { hash } : {}) });
        return null;
      }
    },
    [address, appChainId, contracts, publicClient, walletChainId, writeContractAsync],
  );

  const reset = useCallback(() => setState({ step: "idle" }), []);
  const busy = state.step === "checking" || state.step === "sign" || state.step === "pending";
  return { state, send, reset, busy, publicClient, address };
}
