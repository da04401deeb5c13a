import "server-only";
import { randomUUID } from "node:crypto";
import { getAddress, isAddressEqual, recoverTypedDataAddress, zeroAddress, type Address, type Hex } from "viem";
import type { DevicePairing, PrismaClient } from "@/lib/db/generated/client";
import type { DevicePairingRequest, PairingView } from "./api-types";
import type { DeviceChainReader, OnChainDevice } from "./chain";
import { claimTypedData, deadlineAfter } from "./claim-typed-data";
import { PairingError } from "./pairing-errors";

/** How long a device may answer a pairing request (its pair button must be pressed within this). */
export const PAIRING_TTL_SECONDS = 10 * 60;
/** The signed claim stays valid this long after the pairing expires, so a late button press still leaves time to send it. */
export const CLAIM_GRACE_SECONDS = 15 * 60;

export interface PairingDeps {
  db: PrismaClient;
  chain: DeviceChainReader;
  now?: () => Date;
}

const nowOf = (deps: PairingDeps) => (deps.now ?? (() => new Date()))();

function assertClaimable(device: Address, info: OnChainDevice): void {
  if (info.projectId === 0n) throw new PairingError("not_registered", `Device ${device} is not registered.`);
  if (!info.active) throw new PairingError("inactive", `Device ${device} is deactivated and cannot be claimed.`);
  if (info.owner !== zeroAddress) throw new PairingError("already_claimed", `Device ${device} is already claimed.`);
}

function statusOf(row: DevicePairing, now: Date): PairingView["status"] {
  if (row.signedAt) return "signed";
  return row.expiresAt <= now ? "expired" : "waiting";
}

function toView(row: DevicePairing, now: Date): PairingView {
  const signed = row.claimSignature !== null && row.claimNonce !== null;
  return {
    id: row.id,
    device: getAddress(row.device),
    owner: getAddress(row.owner),
    expiresAt: row.expiresAt.toISOString(),
    status: statusOf(row, now),
    claim: signed ? { deadline: row.claimDeadline.toString(), nonce: String(row.claimNonce), signature: row.claimSignature as Hex } : null,
  };
}

/** The signed-in owner asks to pair `device`; checked against the chain so a hopeless request fails now, not at the button. */
export async function requestPairing(deps: PairingDeps, { owner, device }: { owner: Address; device: Address }): Promise<PairingView> {
  const now = nowOf(deps);
  assertClaimable(device, await deps.chain.deviceInfo(device));
  const expiresAt = new Date(now.getTime() + PAIRING_TTL_SECONDS * 1000);
  const row = await deps.db.devicePairing.create({
    data: {
      id: randomUUID(),
      device: device.toLowerCase(),
      owner: getAddress(owner),
      chainId: deps.chain.chainId,
      registry: getAddress(deps.chain.registry),
      createdAt: now,
      expiresAt,
      claimDeadline: deadlineAfter(expiresAt, CLAIM_GRACE_SECONDS),
    },
  });
  return toView(row, now);
}

/** One pairing, for its owner only: anyone else gets the same "not found" as for a missing id. */
export async function getOwnerPairing(deps: PairingDeps, { id, owner }: { id: string; owner: Address }): Promise<PairingView> {
  const row = await deps.db.devicePairing.findUnique({ where: { id } });
  if (!row || row.chainId !== deps.chain.chainId || !isAddressEqual(getAddress(row.owner), owner)) {
    throw new PairingError("pairing_not_found", "No such pairing.");
  }
  return toView(row, nowOf(deps));
}

/** What the device should sign when its pair button is pressed: the newest open pairing, or null. */
export async function pendingPairingForDevice(deps: PairingDeps, device: Address): Promise<DevicePairingRequest | null> {
  const now = nowOf(deps);
  const row = await deps.db.devicePairing.findFirst({
    where: { device: device.toLowerCase(), chainId: deps.chain.chainId, registry: getAddress(deps.chain.registry), signedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
  });
  if (!row) return null;
  const info = await deps.chain.deviceInfo(device);
  // Nothing to sign for a device that cannot be claimed now; the owner's request will simply expire.
  if (info.projectId === 0n || !info.active || info.owner !== zeroAddress) return null;
  const typed = claimTypedData({
    chainId: row.chainId,
    registry: getAddress(row.registry),
    owner: getAddress(row.owner),
    device: getAddress(device),
    nonce: info.nonce,
    deadline: row.claimDeadline,
  });
  return {
    pairingId: row.id,
    expiresAt: row.expiresAt.toISOString(),
    typedData: {
      domain: { name: typed.domain.name as string, version: typed.domain.version as string, chainId: row.chainId, verifyingContract: getAddress(row.registry) },
      primaryType: "Claim",
      message: { owner: typed.message.owner, device: typed.message.device, nonce: info.nonce.toString(), deadline: row.claimDeadline.toString() },
    },
  };
}

/**
 * The device answers a pairing with its EIP-712 Claim signature. Stored only if it
 * recovers to the device or its claim key for the current on-chain nonce, so the
 * owner's wallet never sends a claim that is bound to revert on the signature.
 */
export async function submitDeviceSignature(
  deps: PairingDeps,
  { device, pairingId, signature }: { device: Address; pairingId: string; signature: Hex },
): Promise<PairingView> {
  const now = nowOf(deps);
  const row = await deps.db.devicePairing.findUnique({ where: { id: pairingId } });
  if (!row || row.device !== device.toLowerCase() || row.chainId !== deps.chain.chainId) {
    throw new PairingError("pairing_not_found", "No such pairing for this device.");
  }
  if (row.signedAt) throw new PairingError("pairing_already_signed", "This pairing is already signed.");
  if (row.expiresAt <= now) throw new PairingError("pairing_expired", "This pairing request has expired; the owner must start a new one.");

  const info = await deps.chain.deviceInfo(device);
  assertClaimable(device, info);
  const typed = claimTypedData({
    chainId: row.chainId,
    registry: getAddress(row.registry),
    owner: getAddress(row.owner),
    device,
    nonce: info.nonce,
    deadline: row.claimDeadline,
  });
  let signer: Address;
  try {
    signer = await recoverTypedDataAddress({ ...typed, signature });
  } catch {
    throw new PairingError("invalid_signature", "The signature is malformed.");
  }
  const allowed = isAddressEqual(signer, device) || (info.claimKey !== zeroAddress && isAddressEqual(signer, info.claimKey));
  if (!allowed) throw new PairingError("invalid_signature", "The signature is not from this device or its claim key for the current nonce.");

  // Conditional update: of two concurrent answers only the first is kept.
  const { count } = await deps.db.devicePairing.updateMany({
    where: { id: row.id, signedAt: null },
    data: { claimNonce: info.nonce, claimSignature: signature, signedAt: now },
  });
  if (count === 0) throw new PairingError("pairing_already_signed", "This pairing is already signed.");
  return toView({ ...row, claimNonce: info.nonce, claimSignature: signature, signedAt: now }, now);
}
