"use client";

import { useCallback, useState } from "react";
import type { ContractFunctionArgs, ContractFunctionName, Hex } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import { explainFailure, failure, type ExplainedFailure } from "@/lib/devices/claim-errors";
import { usePublicConfig } from "@/components/public-config-context";

type WriteName = ContractFunctionName<typeof deviceRegistryAbi, "nonpayable">;
export type RegistryCall<N extends WriteName = WriteName> = {
  functionName: N;
  args: ContractFunctionArgs<typeof deviceRegistryAbi, "nonpayable", N>;
};

/** checking → sign (wallet prompt open) → pending (sent, waiting for a block) → confirmed; or failed at any step. */
export type TransactionState =
  | { step: "idle" }
  | { step: "checking" }
  | { step: "sign" }
  | { step: "pending"; hash: Hex }
  | { step: "confirmed"; hash: Hex }
  | { step: "failed"; failure: ExplainedFailure; hash?: Hex };

/**
 * Sends one DeviceRegistry transaction from the connected wallet. It is simulated
 * first against the app's RPC so a revert comes back with the contract's custom
 * error (decoded by explainFailure) before the wallet is even asked.
 */
export function useRegistryTransaction() {
  const { chainId: appChainId, contracts } = usePublicConfig();
  const { address, chainId: walletChainId } = useAccount();
  const publicClient = usePublicClient({ chainId: appChainId });
  const { writeContractAsync } = useWriteContract();
  const [state, setState] = useState<TransactionState>({ step: "idle" });

  const send = useCallback(
    async <N extends WriteName>(call: RegistryCall<N>): Promise<boolean> => {
      const registry = contracts?.DeviceRegistry;
      if (!registry || !publicClient || !address) {
        setState({ step: "failed", failure: { ...failure("unknown"), message: "Connect your wallet first; the app also needs the chain's contracts configured." } });
        return false;
      }
      if (walletChainId !== appChainId) {
        setState({ step: "failed", failure: failure("wrong_network") });
        return false;
      }
      let hash: Hex | undefined;
      try {
        setState({ step: "checking" });
        // Generic over the function name; viem's overloads cannot follow N through a spread, hence the widening.
        const simulateArgs = { account: address, address: registry, abi: deviceRegistryAbi, functionName: call.functionName, args: call.args } as Parameters<typeof publicClient.simulateContract>[0];
        const { request } = await publicClient.simulateContract(simulateArgs);
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
    [address, appChainId, contracts, publicClient, walletChainId, writeContractAsync],
  );

  const reset = useCallback(() => setState({ step: "idle" }), []);
  const busy = state.step === "checking" || state.step === "sign" || state.step === "pending";
  return { state, send, reset, busy };
}
