import "server-only";
import { createPublicClient, createWalletClient, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ANVIL_CHAIN_ID } from "../chain/anvil";
import { demoTokenAbi } from "../chain/abi.generated";
import { chainTransport, rpcEndpointList, type RpcEndpoints } from "../chain/transport";
import { DomainError, RateLimitedError } from "../http/errors";
import { TokenBuckets } from "../http/rate-limit";

/** What one faucet call mints: 1,000 dUSD. */
export const FAUCET_AMOUNT = 1_000_000_000n;

// One call per account per minute (bursts of 3): plenty for a demo, useless for draining.
const faucetBuckets = new TokenBuckets({ ratePerSecond: 1 / 60, burst: 3 });

export interface FaucetOptions {
  chainId: number;
  rpcUrl: RpcEndpoints | undefined;
  stablecoin: Address | undefined;
  /** The Stablecoin's owner (the deployer): the only key that can mint. */
  minterKey: Hex;
}

/** Local chain only: mints demo dUSD to `to` so a demo buyer can pay. */
export async function dripStablecoin(options: FaucetOptions, to: Address, buckets = faucetBuckets): Promise<{ amount: string; txHash: Hex }> {
  if (options.chainId !== ANVIL_CHAIN_ID) throw new DomainError("faucet_local_only", "The dUSD faucet only exists on the local demo chain.", 403);
  if (!options.rpcUrl || rpcEndpointList(options.rpcUrl).length === 0 || !options.stablecoin) throw new DomainError("chain_not_configured", "The chain or its contracts are not configured on this server.", 503);
  const spent = buckets.take(to.toLowerCase());
  if (!spent.ok) throw new RateLimitedError(Math.ceil(spent.retryAfterMs / 1000));
  const account = privateKeyToAccount(options.minterKey);
  const transport = chainTransport(options.rpcUrl);
  const wallet = createWalletClient({ account, transport });
  const publicClient = createPublicClient({ transport });
  const hash = await wallet.writeContract({ chain: null, address: options.stablecoin, abi: demoTokenAbi, functionName: "mint", args: [to, FAUCET_AMOUNT] });
  await publicClient.waitForTransactionReceipt({ hash });
  return { amount: FAUCET_AMOUNT.toString(), txHash: hash };
}

/** Whether this server can run the faucet: the local demo chain with a deployed Stablecoin (the button hides otherwise). */
export function faucetAvailable(chainId: number, stablecoin: Address | undefined): boolean {
  return chainId === ANVIL_CHAIN_ID && stablecoin !== undefined;
}
