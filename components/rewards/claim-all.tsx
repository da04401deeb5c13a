"use client";

import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import type { Address, Hex } from "viem";
import { useAccount, usePublicClient, useWriteContract } from "wagmi";
import { rewardDistributorAbi } from "@/lib/chain/abi.generated";
import { explainFailure, failure } from "@/lib/devices/claim-errors";
import { formatReward } from "@/lib/rewards/format";
import type { ClaimArgument } from "@/lib/rewards/earnings";
import { usePublicConfig } from "@/components/public-config-context";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import type { TransactionState } from "@/components/devices/use-registry-transaction";

function toRequest(claim: ClaimArgument) {
  return {
    projectId: BigInt(claim.projectId),
    device: claim.device,
    batchIndex: BigInt(claim.batchIndex),
    slotInBatch: BigInt(claim.slotInBatch),
    cumulative: BigInt(claim.cumulative),
    merkleProof: claim.merkleProof.map(BigInt) as [bigint, bigint, bigint, bigint],
  };
}

/**
 * "Claim all": one RewardDistributor.claimMany for every device with something claimable. Anyone may send it; the
 * contract pays each device's current owner. Simulated first so a revert shows the contract's error before the wallet
 * is asked; the page reloads its figures once confirmed.
 */
export function ClaimAll({ distributor, claims, claimable }: { distributor: Address | null; claims: ClaimArgument[]; claimable: string }) {
  const router = useRouter();
  const { chainId: appChainId } = usePublicConfig();
  const { address, chainId: walletChainId } = useAccount();
  const publicClient = usePublicClient({ chainId: appChainId });
  const { writeContractAsync } = useWriteContract();
  const [state, setState] = useState<TransactionState>({ step: "idle" });
  const busy = state.step === "checking" || state.step === "sign" || state.step === "pending";

  const claimAll = useCallback(async () => {
    if (!distributor || !publicClient || !address) {
      setState({ step: "failed", failure: { ...failure("unknown"), message: "Connect your wallet first; the app also needs the chain's contracts configured." } });
      return;
    }
    if (walletChainId !== appChainId) {
      setState({ step: "failed", failure: failure("wrong_network") });
      return;
    }
    let hash: Hex | undefined;
    try {
      setState({ step: "checking" });
      const { request } = await publicClient.simulateContract({ account: address, address: distributor, abi: rewardDistributorAbi, functionName: "claimMany", args: [claims.map(toRequest)] });
      setState({ step: "sign" });
      hash = await writeContractAsync({ ...(request as Parameters<typeof writeContractAsync>[0]), chainId: appChainId });
      setState({ step: "pending", hash });
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error("The transaction was reverted.");
      setState({ step: "confirmed", hash });
      router.refresh();
    } catch (error) {
      setState({ step: "failed", failure: explainFailure(error), ...(hash ? { hash } : {}) });
    }
  }, [address, appChainId, claims, distributor, publicClient, router, walletChainId, writeContractAsync]);

  return (
    <div className="claim-all">
      <button type="button" className="button" onClick={claimAll} disabled={busy || claims.length === 0} data-testid="claim-all">
        {claims.length === 0 ? "Nothing to claim" : `Claim all (${formatReward(claimable)}, ${claims.length} device${claims.length === 1 ? "" : "s"})`}
      </button>
      <TransactionSteps state={state} title="Claiming your rewards" />
    </div>
  );
}
