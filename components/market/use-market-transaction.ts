"use client";

import { useCallback } from "react";
import type { Abi, Address } from "viem";
import { useChainTransaction } from "@/components/use-chain-transaction";

export interface MarketCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

/**
 * Market transactions (token approvals, orders, device sales), sent one after
 * another through the shared simulate → sign → confirm flow.
 */
export function useMarketTransaction() {
  const { state, send: sendCall, busy, address } = useChainTransaction();
  const send = useCallback(async (call: MarketCall): Promise<boolean> => (await sendCall(call)) !== null, [sendCall]);
  return { state, send, busy, account: address };
}
