import "server-only";
import { createPublicClient, type Address } from "viem";
import { rewardDistributorAbi } from "@/lib/chain/abi.generated";
import { readDeployment } from "@/lib/chain/deployments";
import { chainTransport, type RpcEndpoints } from "@/lib/chain/transport";
import { serverEnv } from "@/lib/config/env";
import { TokenBuckets } from "@/lib/http/rate-limit";
import { DomainError } from "@/lib/http/errors";
import type { ClaimedReader } from "./earnings";

/** Reads RewardDistributor.claimedOf on the server's chain. */
export function createClaimedReader(rpcUrl: RpcEndpoints, distributor: Address, timeoutMs?: number): ClaimedReader {
  const client = createPublicClient({ transport: chainTransport(rpcUrl, { timeoutMs }) });
  return {
    claimedOf: (projectId, device) => client.readContract({ address: distributor, abi: rewardDistributorAbi, functionName: "claimedOf", args: [projectId, device] }),
  };
}

/** The server's claimed reader and distributor address; null without a chain (claimed amounts then show as 0). */
export function rewardsChain(): { reader: ClaimedReader; distributor: Address } | null {
  const holder = globalThis as typeof globalThis & { __depinhubRewardsChain?: { reader: ClaimedReader; distributor: Address } | null };
  if (holder.__depinhubRewardsChain !== undefined) return holder.__depinhubRewardsChain;
  const env = serverEnv();
  const deployment = env.RPC_URL ? readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID) : null;
  holder.__depinhubRewardsChain =
    env.RPC_URL && deployment ? { reader: createClaimedReader(env.RPC_URLS, deployment.contracts.RewardDistributor, env.RPC_TIMEOUT_MS), distributor: deployment.contracts.RewardDistributor } : null;
  return holder.__depinhubRewardsChain;
}

// Earnings read the chain once per device: a few requests per second per caller is plenty.
const buckets = new TokenBuckets({ ratePerSecond: 2, burst: 20 });

export function takeRewardsRateLimit(key: string): void {
  const taken = buckets.take(key);
  if (!taken.ok) throw new DomainError("rate_limited", `Too many requests; retry in ${Math.ceil(taken.retryAfterMs / 1000)} s.`, 429);
}
