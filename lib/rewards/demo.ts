import "server-only";
import type { Account, Chain, PublicClient, Transport, WalletClient } from "viem";
import { demoTokenAbi, rewardDistributorAbi } from "../chain/abi.generated";
import type { Deployment } from "../chain/deploy";
import type { PrismaClient } from "../db/generated/client";
import { publishPolicy } from "./policies";

/** 0.001 DHR per online minute at full quality, at most 1000 DHR per epoch (DHR has 18 decimals). */
export const DEMO_POLICY = { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" };
const DEMO_POOL = 10n ** 24n;

/**
 * The demo project's rewards: a published policy and a funded pool in RewardDistributor (the deployer owns the
 * RewardToken DemoToken, so it mints). Idempotent.
 */
export async function seedDemoRewards(options: {
  db: PrismaClient;
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  deployment: Deployment;
  projectId: number;
  projectOnchainId: bigint;
}): Promise<string> {
  const { db, publicClient, walletClient, deployment, projectId, projectOnchainId } = options;
  if (!(await db.rewardPolicy.findFirst({ where: { projectId } }))) await publishPolicy(db, projectId, DEMO_POLICY);
  const { RewardToken, RewardDistributor } = deployment.contracts;
  const pool = await publicClient.readContract({ address: RewardDistributor, abi: rewardDistributorAbi, functionName: "poolOf", args: [projectOnchainId] });
  if (pool >= DEMO_POOL / 10n) return "reward pool already funded";
  const send = async (request: Parameters<typeof walletClient.writeContract>[0]) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    if (receipt.status !== "success") throw new Error(`seeding rewards: ${String(request.functionName)} reverted`);
  };
  await send({ chain: null, address: RewardToken, abi: demoTokenAbi, functionName: "mint", args: [walletClient.account.address, DEMO_POOL] });
  await send({ chain: null, address: RewardToken, abi: demoTokenAbi, functionName: "approve", args: [RewardDistributor, DEMO_POOL] });
  await send({ chain: null, address: RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [projectOnchainId, DEMO_POOL] });
  return "reward policy published and pool funded";
}
