import type { Address, Hex, TypedDataDomain } from "viem";

/** EIP-712 types of DeviceRegistry's claim message (CLAIM_TYPEHASH in DeviceRegistry.sol). */
export const CLAIM_TYPES = {
  Claim: [
    { name: "owner", type: "address" },
    { name: "device", type: "address" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** Must match the EIP712(...) constructor arguments of DeviceRegistry. */
export const CLAIM_DOMAIN_NAME = "DePIN Hub DeviceRegistry";
export const CLAIM_DOMAIN_VERSION = "1";

export interface ClaimParams {
  chainId: number;
  registry: Address;
  owner: Address;
  device: Address;
  nonce: bigint;
  deadline: bigint;
}

export function claimDomain(chainId: number, registry: Address): TypedDataDomain {
  return { name: CLAIM_DOMAIN_NAME, version: CLAIM_DOMAIN_VERSION, chainId, verifyingContract: registry };
}

/** The typed data a device (or its claim key) signs so that `owner` may claim it; feed to signTypedData. */
export function claimTypedData({ chainId, registry, owner, device, nonce, deadline }: ClaimParams) {
  return {
    domain: claimDomain(chainId, registry),
    types: CLAIM_TYPES,
    primaryType: "Claim",
    message: { owner, device, nonce, deadline },
  } as const;
}

/** Seconds a label-signed claim stays valid: long enough to confirm in a wallet, short enough to be useless if leaked. */
export const LABEL_CLAIM_VALIDITY_SECONDS = 15 * 60;

/** Unix-seconds deadline `seconds` after `now`. */
export function deadlineAfter(now: Date, seconds: number): bigint {
  return BigInt(Math.floor(now.getTime() / 1000) + seconds);
}

/** Arguments of DeviceRegistry.claim, in order. */
export function claimArgs(params: Pick<ClaimParams, "device" | "owner" | "deadline">, signature: Hex) {
  return [params.device, params.owner, params.deadline, signature] as const;
}
