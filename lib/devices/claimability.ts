import { zeroAddress, type Address } from "viem";
import type { DevicePreview } from "./api-types";
import type { FailureCode } from "./claim-errors";

/** The on-chain deviceInfo fields that decide whether a claim can succeed. */
export interface ChainDeviceState {
  projectId: bigint;
  active: boolean;
  owner: Address;
  nonce: bigint;
}

/**
 * Why a claim would fail right now, or null when it can go ahead. The chain read
 * wins over the index when both are known: it is what the transaction will meet,
 * and the index may be a few blocks behind.
 */
export function claimBlocker(preview: DevicePreview | undefined, chain: ChainDeviceState | undefined): FailureCode | null {
  if (chain) {
    if (chain.projectId === 0n) return "not_registered";
    if (chain.owner !== zeroAddress) return "already_claimed";
    if (!chain.active) return "inactive";
    return null;
  }
  if (!preview) return null;
  if (!preview.registered) return "not_registered";
  if (preview.owner) return "already_claimed";
  if (preview.active === false) return "inactive";
  return null;
}
