import { defineChain, type Chain } from "viem";
import { anvil, iotex, iotexTestnet } from "viem/chains";

/** The chains DePIN Hub runs on, keyed by id. Shared by server and client. */
export const SUPPORTED_CHAINS: Record<number, Chain> = {
  [anvil.id]: defineChain({ ...anvil, name: "Local (anvil)" }),
  [iotexTestnet.id]: iotexTestnet,
  [iotex.id]: iotex,
};

export function chainById(chainId: number): Chain {
  const chain = SUPPORTED_CHAINS[chainId];
  if (!chain) throw new Error(`Unsupported chain id ${chainId}`);
  return chain;
}
