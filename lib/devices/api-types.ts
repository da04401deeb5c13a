/** JSON shapes of the devices API, shared by route handlers and the browser. Dates are ISO strings. */

/** GET /api/devices/<address>: what the DB index knows about a device. */
export interface DevicePreview {
  address: `0x${string}`;
  registered: boolean;
  project: { name: string; slug: string } | null;
  model: string | null;
  active: boolean | null;
  /** Checksummed owner, null when unclaimed or unregistered. */
  owner: `0x${string}` | null;
  claimedAt: string | null;
  lastSeenAt: string | null;
}

/** A pairing as its owner sees it (POST /api/devices/pairings, GET /api/devices/pairings/<id>). */
export interface PairingView {
  id: string;
  device: `0x${string}`;
  owner: `0x${string}`;
  expiresAt: string;
  status: "waiting" | "signed" | "expired";
  /** Present once signed: everything the owner's wallet needs for DeviceRegistry.claim. */
  claim: { deadline: string; nonce: string; signature: `0x${string}` } | null;
}

/** GET /api/v1/devices/<address>/pairing: what the device must sign, or null when nothing is pending. */
export interface DevicePairingRequest {
  pairingId: string;
  expiresAt: string;
  typedData: {
    domain: { name: string; version: string; chainId: number; verifyingContract: `0x${string}` };
    primaryType: "Claim";
    message: { owner: `0x${string}`; device: `0x${string}`; nonce: string; deadline: string };
  };
}
