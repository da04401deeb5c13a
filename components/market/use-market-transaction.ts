"use client";

import { useCallback } from "react";
import type { Abi, Address, TransactionReceipt } from "viem";
import { useChainTransaction } from "@/components/use-chain-transaction";

export interface MarketCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
}

/**
 * Market transactions (token approvals, orders, device sales), sent one after
 * another through the shared simulate → sign → confirm flow. `send` resolves
 * with the receipt (to read the order id from its logs), or null after a
 * failure shown in `state`.
 */
export function useMarketTransaction() {
  const { state, send: sendCall, busy, address } = useChainTransaction();
  const send = useCallback(async (call: MarketCall): Promise<TransactionReceipt | null> => sendCall(call), [sendCall]);
  return { state, send, busy, account: address };
}
