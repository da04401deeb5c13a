import { keccak256, stringToHex, type Hex } from "viem";

/** The bytes32 a Marketplace order carries for an off-chain listing: keccak256 of the listing's UUID. */
export function onchainListingId(listingId: string): Hex {
  return keccak256(stringToHex(listingId));
}
