import { type Hex } from "viem";
import { privateKeyToAddress, sign } from "viem/accounts";
import { telemetryDigest } from "./encoding";
import { type SignedTelemetryMessage, type TelemetryMessage } from "./message";

/**
 * Signs a message as a device does: secp256k1 over telemetryDigest (RFC 6979
 * deterministic nonce, low-s, v = 27/28). For tests and the device simulator;
 * the server never holds device keys.
 */
export async function signTelemetry(privateKey: Hex, message: TelemetryMessage): Promise<SignedTelemetryMessage> {
  const signer = privateKeyToAddress(privateKey);
  if (signer.toLowerCase() !== message.device.toLowerCase()) {
    throw new Error(`message.device ${message.device} is not the address of this key (${signer})`);
  }
  const signature = await sign({ hash: telemetryDigest(message), privateKey, to: "hex" });
  return { ...message, signature };
}
