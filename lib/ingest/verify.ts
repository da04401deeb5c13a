import { secp256k1 } from "@noble/curves/secp256k1";
import { hexToBigInt, keccak256, type Address, type Hex } from "viem";
import { rejection, type Rejection, type RejectionCode } from "./codes";
import { telemetryDigest } from "./encoding";
import { DEFAULT_SKEW, type SkewWindow } from "./limits";
import { type SignedTelemetryMessage, type TelemetryMessage } from "./message";

/**
 * The protocol's verification rules (docs/device-protocol.md §6) as pure
 * functions. Lookups (registry, last sequence, stored digest) are the caller's;
 * their results come in through CheckContext.
 */

/** secp256k1 group order; s must be at most n/2 (EIP-2) so each signature has one valid form. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HALF_N = SECP256K1_N / 2n;

export type CheckResult = { ok: true } | { ok: false; rejection: Rejection };
export type SignatureCheck = { ok: true; digest: Hex; signer: Address } | { ok: false; rejection: Rejection };

const fail = (code: RejectionCode, detail?: string): { ok: false; rejection: Rejection } => ({
  ok: false,
  rejection: rejection(code, detail),
});

/**
 * The address whose key made `signature` over `digest`, lowercase; null if none.
 * Calls @noble/curves (what viem uses underneath) directly: synchronous, and
 * without viem's per-call dynamic import, which halved throughput in workers.
 */
function recoverSigner(digest: Hex, signature: Hex, recoveryBit: number): string | null {
  try {
    // Throws for r or s of 0 or ≥ n and for an r that is no curve point's x.
    const publicKey = secp256k1.Signature.fromCompact(signature.slice(2, 130))
      .addRecoveryBit(recoveryBit)
      .recoverPublicKey(digest.slice(2))
      .toRawBytes(false);
    return `0x${keccak256(publicKey.subarray(1)).slice(26)}`;
  } catch {
    return null;
  }
}

/** Recovers the signer of the message's digest and requires it to be the message's device. */
export function verifyTelemetrySignature(message: SignedTelemetryMessage): SignatureCheck {
  const { signature } = message;
  if (!/^0x[0-9a-fA-F]{130}$/.test(signature)) return fail("BAD_SIGNATURE", "(not 65 bytes of hex)");
  const v = Number.parseInt(signature.slice(130), 16);
  if (v !== 27 && v !== 28) return fail("BAD_SIGNATURE", `(v = ${v})`);
  const s = hexToBigInt(`0x${signature.slice(66, 130)}`);
  if (s > HALF_N) return fail("BAD_SIGNATURE", "(high s)");

  const digest = telemetryDigest(message);
  const signer = recoverSigner(digest, signature, v - 27);
  if (signer === null) return fail("BAD_SIGNATURE", "(no public key recovers from it)");
  if (signer !== message.device.toLowerCase()) return fail("DEVICE_MISMATCH", `(signed by ${signer})`);
  return { ok: true, digest, signer: message.device };
}

export interface CheckContext {
  /** Server time, unix ms. */
  now: number;
  /** Highest sequence accepted so far from this device; null before its first message. */
  lastSequence: bigint | null;
  /**
   * Digest already stored for this message's (device, sequence), if any. Lets a
   * retry of an accepted message (DUPLICATE, a success) be told from a replay.
   */
  storedDigest?: Hex | null;
  skew?: SkewWindow;
}

/**
 * The cheap stateless checks: sequence order, then clock window. No signature work.
 * Sequence goes first so a late retry of an accepted message still reads DUPLICATE.
 */
export function checkMessage(message: TelemetryMessage, context: CheckContext): CheckResult {
  if (context.lastSequence !== null && message.sequence <= context.lastSequence) {
    if (context.storedDigest && context.storedDigest.toLowerCase() === telemetryDigest(message)) return fail("DUPLICATE");
    return fail("SEQUENCE_REPLAY", `(sequence ${message.sequence}, last accepted ${context.lastSequence})`);
  }

  const { futureMs, pastMs } = context.skew ?? DEFAULT_SKEW;
  const ahead = message.timestamp - context.now;
  if (ahead > futureMs) return fail("CLOCK_SKEW", `(${ahead} ms ahead of server time; at most ${futureMs} allowed)`);
  if (-ahead > pastMs) return fail("CLOCK_SKEW", `(${-ahead} ms old; at most ${pastMs} allowed)`);
  return { ok: true };
}

/** What happened to one message; `digest` identifies an accepted message in storage. */
export type Verdict =
  | { status: "accepted"; digest: Hex }
  | { status: "duplicate"; rejection: Rejection }
  | { status: "rejected"; rejection: Rejection };

export function verdictOf(failure: Rejection): Verdict {
  return failure.code === "DUPLICATE" ? { status: "duplicate", rejection: failure } : { status: "rejected", rejection: failure };
}

/**
 * All per-message rules in the documented order: sequence, clock, signature.
 * The caller has already answered UNKNOWN_DEVICE / DEVICE_INACTIVE from its registry.
 */
export function verifyTelemetry(message: SignedTelemetryMessage, context: CheckContext): Verdict {
  const checked = checkMessage(message, context);
  if (!checked.ok) return verdictOf(checked.rejection);
  const signed = verifyTelemetrySignature(message);
  if (!signed.ok) return verdictOf(signed.rejection);
  return { status: "accepted", digest: signed.digest };
}

/** One entry of the `results` array an HTTP batch response (or MQTT results topic) carries. */
export interface MessageResult {
  index: number;
  status: Verdict["status"];
  code?: RejectionCode;
  reason?: string;
}

export function messageResult(index: number, verdict: Verdict): MessageResult {
  if (verdict.status === "accepted") return { index, status: "accepted" };
  return { index, status: verdict.status, code: verdict.rejection.code, reason: verdict.rejection.reason };
}
