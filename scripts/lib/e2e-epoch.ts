/**
 * Shared by the end-to-end epoch drivers (scripts/e2e-reward-epoch.ts, scripts/e2e-admin-epoch.ts): progress on
 * stderr, polling, and advancing an epoch under the reward job's row lease so a driver never races the worker.
 * Import with `tsx --conditions=react-server` (lib/rewards is server-only).
 */
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { demoTokenAbi, rewardDistributorAbi } from "../../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../../lib/chain/deploy";
import { readDeployment } from "../../lib/chain/deployments";
import type { PrismaClient } from "../../lib/db/generated/client";
import { ensurePolicyOnChain, type DistributorClients } from "../../lib/proofs/distributor";
import { publishPolicy, type PolicyInput } from "../../lib/rewards/policies";
import { computeEpoch, policyParams, proveEpoch, submitEpoch } from "../../lib/rewards/epoch";

const POLL_MS = 500;
const startedAt = Date.now();

export function createProgress(name: string): (message: string) => void {
  return (message) => process.stderr.write(`[${name} +${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${message}\n`);
}

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `read` until it returns a value; `what` names the condition in progress and in the timeout error. */
export async function waitFor<T>(progress: (message: string) => void, what: string, read: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  progress(`waiting for ${what}`);
  for (;;) {
    const value = await read();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await pause(POLL_MS);
  }
}

/**
 * Proves and submits the epoch while holding the reward job's row lease (lib/rewards/epoch-job.ts), or waits while the
 * worker holds it, until the epoch is confirmed.
 */
export async function advanceUnderLease(db: PrismaClient, epochId: number, clients: DistributorClients, onchainProjectId: bigint, progress: (message: string) => void): Promise<void> {
  const leaseOwner = `e2e-epoch-driver-${process.pid}`;
  let waiting = false;
  for (;;) {
    const epoch = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId } });
    if (epoch.status === "confirmed") break;
    if (epoch.status === "failed") throw new Error(`epoch ${epoch.epoch} failed: ${epoch.error}`);
    const now = new Date();
    const taken = await db.rewardEpoch.updateMany({
      where: { id: epochId, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { leaseOwner, leaseUntil: new Date(now.getTime() + 10 * 60_000) },
    });
    if (taken.count === 0) {
      if (!waiting) progress(`the worker holds epoch ${epoch.epoch} (${epoch.status}); waiting for it`);
      waiting = true;
      await pause(POLL_MS);
      continue;
    }
    waiting = false;
    try {
      if (epoch.status === "computed") {
        progress("proving");
        await proveEpoch(db, epochId);
      }
      progress("submitting and finalizing on-chain");
      await submitEpoch(db, epochId, clients, onchainProjectId);
    } finally {
      await db.rewardEpoch.updateMany({ where: { id: epochId, leaseOwner }, data: { leaseOwner: null, leaseUntil: null } });
    }
  }
  progress("epoch confirmed on-chain");
}

/**
 * The local chain as a driver uses it (by default from env RPC_URL, DEPLOYMENTS_FILE, PROJECT_ADMIN_PRIVATE_KEY): the
 * deployment, the deployer (who alone mints RewardToken), the project admin, and a write that throws on a revert.
 */
export function localChain({ rpcUrl, deploymentsFile, adminKey } = { rpcUrl: required("RPC_URL"), deploymentsFile: required("DEPLOYMENTS_FILE"), adminKey: required("PROJECT_ADMIN_PRIVATE_KEY") }) {
  const deployment = readDeployment(deploymentsFile, 31337);
  if (!deployment) throw new Error("no local deployment");
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const clientOf = (account: PrivateKeyAccount) => createWalletClient({ account, transport: http(rpcUrl) });
  type WalletClient = ReturnType<typeof clientOf>;
  const write = async (walletClient: WalletClient, request: Parameters<WalletClient["writeContract"]>[0]) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    if (receipt.status !== "success") throw new Error(`reverted: ${receipt.transactionHash}`);
  };
  const deployer = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
  const admin = privateKeyToAccount(adminKey as Hex);
  return { deployment, publicClient, clientOf, write, deployer, admin, adminClient: clientOf(admin) };
}

export type LocalChain = ReturnType<typeof localChain>;

/** Funds the project's reward pool: the deployer mints to the project admin, who approves and funds. */
export async function fundRewardPool(chain: LocalChain, onchainProjectId: bigint, amount: bigint): Promise<void> {
  const { deployment, write, clientOf, deployer, admin, adminClient } = chain;
  await write(clientOf(deployer), { chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, amount] });
  await write(adminClient, { chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, amount] });
  await write(adminClient, { chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, amount] });
}

/**
 * Waits for the next epoch boundary when it is closer than `marginMs`: the reward job's first epoch for a project is
 * the one containing the policy's creation, and it must not close before the driver has computed the one before it.
 */
export async function clearOfEpochBoundary(progress: (message: string) => void, epochMs: number, marginMs: number): Promise<void> {
  if (epochMs - (Date.now() % epochMs) >= marginMs) return;
  const boundary = Math.ceil(Date.now() / epochMs) * epochMs;
  await waitFor(progress, "the next epoch boundary (too close to publish the policy)", async () => (Date.now() >= boundary ? true : null), 2 * marginMs);
}

/**
 * Publishes `policy`, computes `epoch` (or takes the worker's computation of it), checks the worker computed no earlier
 * epoch of the project, publishes the policy on-chain, then proves, submits and finalizes under the job's lease.
 * Returns the epoch's id.
 */
export async function publishAndConfirmEpoch(
  db: PrismaClient,
  chain: LocalChain,
  target: { projectId: number; onchainProjectId: bigint; epoch: number; epochSeconds: number; policy: PolicyInput },
  progress: (message: string) => void,
): Promise<number> {
  const { projectId, onchainProjectId, epoch } = target;
  const policy = await publishPolicy(db, projectId, target.policy);
  const computed = await computeEpoch(db, projectId, epoch, target.epochSeconds, policy);
  const epochId = computed ?? (await db.rewardEpoch.findUniqueOrThrow({ where: { projectId_epoch: { projectId, epoch } } })).id;
  const earlier = await db.rewardEpoch.findFirst({ where: { projectId, id: { lt: epochId } } });
  if (earlier) throw new Error(`the worker computed epoch ${earlier.epoch} of the project before the driver's epoch ${epoch}`);
  progress(`epoch ${epoch} computed (id ${epochId}${computed === null ? ", by the worker" : ""})`);
  const clients: DistributorClients = { publicClient: chain.publicClient, walletClient: chain.adminClient, address: chain.deployment.contracts.RewardDistributor };
  await ensurePolicyOnChain(clients, onchainProjectId, BigInt(policy.policyHash), policyParams(policy).epochBudget);
  progress("policy published on-chain");
  await advanceUnderLease(db, epochId, clients, onchainProjectId, progress);
  return epochId;
}
