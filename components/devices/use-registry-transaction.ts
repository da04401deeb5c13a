"use client";

import { useCallback } from "react";
import type { ContractFunctionArgs, ContractFunctionName } from "viem";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import { useChainTransaction } from "@/components/use-chain-transaction";

export type { TransactionState } from "@/components/use-chain-transaction";

type WriteName = ContractFunctionName<typeof deviceRegistryAbi, "nonpayable">;
export type RegistryCall<N extends WriteName = WriteName> = {
  functionName: N;
  args: ContractFunctionArgs<typeof deviceRegistryAbi, "nonpayable", N>;
};

/**
 * Sends one DeviceRegistry transaction from the connected wallet, typed by the
 * registry's ABI. Simulated first against the app's RPC, so a revert comes back
 * with the contract's custom error before the wallet is even asked.
 */
export function useRegistryTransaction() {
  const { state, send: sendCall, reset, busy } = useChainTransaction();
  const send = useCallback(
    async <N extends WriteName>(call: RegistryCall<N>): Promise<boolean> =>
      (await sendCall({ contract: "DeviceRegistry", abi: deviceRegistryAbi, functionName: call.functionName, args: call.args as readonly unknown[] })) !== null,
    [sendCall],
  );
  return { state, send, reset, busy };
}
