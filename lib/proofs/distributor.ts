import "server-only";
import { encodeFunctionData, keccak256, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import { rewardDistributorAbi } from "../chain/abi.generated";
import { isRpcUnavailable } from "../chain/transport";
import type { BatchPublicSignals } from "./batch";
import type { SolidityProof } from "./prover";

/** What talks to RewardDistributor: a reader, a signer (project admin or operator; a local account, since transactions are signed here before they are sent) and the contract's address. */
export interface DistributorClients {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  address: Address;
}

/** Called with a transaction's hash once it is signed, before it is sent: record it where a successor looks it up. */
export type OnSigned = (hash: Hex) => Promise<void>;

async function send(clients: DistributorClients, request: { functionName: string; args: readonly unknown[] }, onSigned?: OnSigned): Promise<Hex> {
  const { publicClient, walletClient, address } = clients;
  // simulate first: a revert surfaces with its decoded custom error instead of a bare failed receipt.
  await publicClient.simulateContract({
    address,
    abi: rewardDistributorAbi,
    account: walletClient.account,
    functionName: request.functionName as never,
    args: request.args as never,
  });
  // Signed here rather than by writeContract so that the hash is known before the node sees the transaction.
  const prepared = await walletClient.prepareTransactionRequest({
    account: walletClient.account,
    chain: walletClient.chain,
    to: address,
    data: encodeFunctionData({ abi: rewardDistributorAbi, functionName: request.functionName, args: request.args } as never),
  });
  const serializedTransaction = await walletClient.signTransaction({ ...prepared, chain: walletClient.chain ?? null } as never);
  const hash = keccak256(serializedTransaction);
  await onSigned?.(hash);
  try {
    await walletClient.sendRawTransaction({ serializedTransaction });
  } catch (error) {
    // A node may refuse it because it already has it: after a lost answer, a fallback endpoint (or a retry) sends a
    // transaction that the first node accepted ("already known", "nonce too low"). That transaction is this one.
    const known = !isRpcUnavailable(error) && (await publicClient.getTransaction({ hash }).then(() => true, () => false));
    if (!known) throw error;
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${request.functionName} reverted in ${hash}`);
  return hash;
}

/** Publishes the policy on-chain unless it already is; null when nothing was sent. Needs the project admin's key. */
export async function ensurePolicyOnChain(clients: DistributorClients, projectId: bigint, policyHash: bigint, budget: bigint): Promise<Hex | null> {
  const [hash, onchainBudget] = await clients.publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "policyOf", args: [projectId] });
  if (hash === policyHash && onchainBudget === budget) return null;
  return send(clients, { functionName: "setPolicy", args: [projectId, policyHash, budget] });
}

export function submitBatchOnChain(
  clients: DistributorClients,
  projectId: bigint,
  batchIndex: number,
  signals: BatchPublicSignals,
  proof: SolidityProof,
  onSigned?: OnSigned,
): Promise<Hex> {
  const statement = {
    inputsCommitment: signals.inputsCommitment,
    prevRoot: signals.prevRoot,
    newRoot: signals.newRoot,
    batchRaw: signals.batchRaw,
    batchPaid: signals.batchPaid,
  };
  return send(clients, { functionName: "submitBatch", args: [projectId, signals.epoch, BigInt(batchIndex), signals.epochRaw, statement, proof] }, onSigned);
}

export async function finalizeEpochOnChain(clients: DistributorClients, projectId: bigint, epoch: bigint, onSigned?: OnSigned): Promise<{ hash: Hex; epochRoot: Hex }> {
  const hash = await send(clients, { functionName: "finalizeEpoch", args: [projectId, epoch] }, onSigned);
  return { hash, epochRoot: await epochRootOnChain(clients, projectId, epoch) };
}

/** The root RewardDistributor published for a finalized epoch (zero when it is not finalized). */
export function epochRootOnChain(clients: Pick<DistributorClients, "publicClient" | "address">, projectId: bigint, epoch: bigint): Promise<Hex> {
  return clients.publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "epochRootOf", args: [projectId, epoch] });
}

/** Where the project stands on-chain: last finalized epoch and the epoch/batches being submitted. */
export async function distributorState(clients: Pick<DistributorClients, "publicClient" | "address">, projectId: bigint) {
  const [lastEpoch, open] = await Promise.all([
    clients.publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "lastEpochOf", args: [projectId] }),
    clients.publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "openEpochOf", args: [projectId] }),
  ]);
  return { lastEpoch, openEpoch: open.epoch, batchesSubmitted: open.batchesSubmitted };
}

/** The argument of RewardDistributor.claim / claimMany for one device. */
export interface ClaimRequest {
  projectId: bigint;
  device: Address;
  batchIndex: bigint;
  slotInBatch: bigint;
  cumulative: bigint;
  merkleProof: readonly [bigint, bigint, bigint, bigint];
}
