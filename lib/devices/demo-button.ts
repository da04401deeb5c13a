import "server-only";
import { isAddressEqual, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil } from "viem/chains";
import { demoDevices } from "@/lib/seed/demo-fleet";
import { DomainError } from "@/lib/http/errors";
import type { PairingView } from "./api-types";
import { CLAIM_TYPES } from "./claim-typed-data";
import { pendingPairingForDevice, submitDeviceSignature, type PairingDeps } from "./pairing";

/** Demo devices have no physical pair button: on the local chain only, the server presses it with their public demo keys. */
export function demoButtonEnabled(chainId: number): boolean {
  return chainId === anvil.id;
}

export function isDemoDevice(device: Address): boolean {
  return demoDevices().some((demo) => isAddressEqual(demo.address, device));
}

/** Signs the device's newest open pairing exactly as firmware would (GET pairing, sign, POST signature). */
export async function pressDemoPairButton(deps: PairingDeps, device: Address): Promise<PairingView> {
  if (!demoButtonEnabled(deps.chain.chainId)) throw new DomainError("demo_only", "The simulated pair button only exists on the local demo chain.", 403);
  const demo = demoDevices().find((candidate) => isAddressEqual(candidate.address, device));
  if (!demo) throw new DomainError("not_a_demo_device", "Only the seeded demo devices have a simulated pair button.", 404);
  const pending = await pendingPairingForDevice(deps, device);
  if (!pending) throw new DomainError("no_pending_pairing", "Nothing to sign: no open pairing request for this device.", 409);
  const { domain, message } = pending.typedData;
  const signature: Hex = await privateKeyToAccount(demo.privateKey).signTypedData({
    domain,
    types: CLAIM_TYPES,
    primaryType: "Claim",
    message: { owner: message.owner, device: message.device, nonce: BigInt(message.nonce), deadline: BigInt(message.deadline) },
  });
  return submitDeviceSignature(deps, { device, pairingId: pending.pairingId, signature });
}
