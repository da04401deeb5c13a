import { secp256k1 } from "@noble/curves/secp256k1";
import type { Hex } from "viem";
import { telemetryDigest } from "../ingest/encoding";
import type { SignedTelemetryMessage, TelemetryMessage } from "../ingest/message";

/**
 * Synchronous telemetry signing: the same bytes as lib/ingest's signTelemetry
 * (RFC 6979, low s, v = 27/28; a unit test compares them) without viem's
 * async wrapper and address check, which cost more than the signature at
 * simulator volumes. The caller guarantees the key belongs to message.device.
 */
export function signReading(privateKey: Hex, message: TelemetryMessage): SignedTelemetryMessage {
  const digest = telemetryDigest(message).slice(2);
  const signature = secp256k1.sign(digest, privateKey.slice(2), { lowS: true });
  const v = (27 + signature.recovery).toString(16);
  return { ...message, signature: `0x${signature.toCompactHex()}${v}` };
}
