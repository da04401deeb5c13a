import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";

/**
 * A device label (QR code or printed text) that carries the device's claim key:
 *
 *   depinhub:claim:<device address>:<claim private key, 0x + 64 hex>
 *
 * The key is the one registered as the device's claimKey; whoever holds the
 * label can claim the device once, so it belongs inside the box.
 */
export const CLAIM_LABEL_PREFIX = "depinhub:claim:";

export interface ClaimLabel {
  device: Address;
  claimPrivateKey: Hex;
}

export type ClaimLabelResult = { ok: true; label: ClaimLabel } | { ok: false; reason: string };

export function formatClaimLabel({ device, claimPrivateKey }: ClaimLabel): string {
  return `${CLAIM_LABEL_PREFIX}${getAddress(device)}:${claimPrivateKey.toLowerCase()}`;
}

/** Parses pasted or scanned label text; surrounding whitespace and prefix case are forgiven. */
export function parseClaimLabel(text: string): ClaimLabelResult {
  const trimmed = text.trim();
  if (!trimmed.toLowerCase().startsWith(CLAIM_LABEL_PREFIX)) {
    return { ok: false, reason: `This is not a DePIN Hub claim label: it should start with "${CLAIM_LABEL_PREFIX}".` };
  }
  const parts = trimmed.slice(CLAIM_LABEL_PREFIX.length).split(":");
  if (parts.length !== 2) {
    return { ok: false, reason: "The label should hold a device address and a claim key separated by a colon." };
  }
  const [device = "", key = ""] = parts;
  if (!isAddress(device, { strict: false })) {
    return { ok: false, reason: "The device address on the label is not a valid address." };
  }
  const normalizedKey = (key.startsWith("0x") ? key : `0x${key}`).toLowerCase();
  if (!isHex(normalizedKey, { strict: true }) || normalizedKey.length !== 66 || /^0x0+$/.test(normalizedKey)) {
    return { ok: false, reason: "The claim key on the label is not a valid 32-byte private key." };
  }
  return { ok: true, label: { device: getAddress(device), claimPrivateKey: normalizedKey as Hex } };
}

/** Parses a typed device address (any case); null when it is not one. */
export function parseDeviceAddress(text: string): Address | null {
  const trimmed = text.trim();
  return isAddress(trimmed, { strict: false }) ? getAddress(trimmed) : null;
}
