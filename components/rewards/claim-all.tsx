"use client";

import { useRouter } from "next/navigation";
import { useCallback } from "react";
import type { Address } from "viem";
import { rewardDistributorAbi } from "@/lib/chain/abi.generated";
import { formatReward } from "@/lib/rewards/format";
import type { ClaimArgument } from "@/lib/rewards/earnings";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { useChainTransaction } from "@/components/use-chain-transaction";

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
  const { state, send, busy } = useChainTransaction();

  const claimAll = useCallback(async () => {
    const receipt = await send({ address: distributor, abi: rewardDistributorAbi, functionName: "claimMany", args: [claims.map(toRequest)] });
    if (receipt) router.refresh();
  }, [claims, distributor, router, send]);

  return (
    <div className="claim-all">
      <button type="button" className="button" onClick={claimAll} disabled={busy || claims.length === 0} data-testid="claim-all">
        {claims.length === 0 ? "Nothing to claim" : `Claim all (${formatReward(claimable)}, ${claims.length} device${claims.length === 1 ? "" : "s"})`}
      </button>
      <TransactionSteps state={state} title="Claiming your rewards" />
    </div>
  );
}
