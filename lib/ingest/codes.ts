/**
 * Stable rejection codes of the device telemetry protocol (docs/device-protocol.md).
 * Devices and dashboards match on `code`; `reason` is for humans and may change.
 * `retryable` tells a device whether sending the same bytes again later can succeed.
 */
export const REJECTION_CODES = {
  SCHEMA: { retryable: false, reason: "The message does not match the wire format (missing, extra or malformed field)." },
  OUT_OF_RANGE: { retryable: false, reason: "A field is outside its documented physical range." },
  BAD_SIGNATURE: { retryable: false, reason: "The signature is malformed, high-s, has v other than 27/28, or recovers no key." },
  DEVICE_MISMATCH: {
    retryable: false,
    reason: "The signature was made by a different key than the message's device (or the MQTT topic names another device).",
  },
  UNKNOWN_DEVICE: { retryable: true, reason: "The device is not registered (or its registration is not indexed yet)." },
  DEVICE_INACTIVE: { retryable: false, reason: "The device is deactivated in the DeviceRegistry." },
  SEQUENCE_REPLAY: { retryable: false, reason: "The sequence number is not above the last accepted one for this device." },
  DUPLICATE: { retryable: false, reason: "This exact message was already accepted; nothing to do." },
  CLOCK_SKEW: { retryable: false, reason: "The timestamp is too far in the future or too far in the past." },
  PAYLOAD_TOO_LARGE: { retryable: true, reason: "The request body or MQTT payload is too large; split it and resend." },
  BATCH_TOO_LARGE: { retryable: true, reason: "The batch has too many messages; split it and resend." },
  RATE_LIMITED: { retryable: true, reason: "Too many messages; back off and resend the same bytes later." },
  INTERNAL_ERROR: { retryable: true, reason: "The server could not store the message; resend the same bytes later." },
} as const satisfies Record<string, { retryable: boolean; reason: string }>;

export type RejectionCode = keyof typeof REJECTION_CODES;

/** Why one message was not accepted. */
export interface Rejection {
  code: RejectionCode;
  reason: string;
}

export function rejection(code: RejectionCode, detail?: string): Rejection {
  const base = REJECTION_CODES[code].reason;
  return { code, reason: detail ? `${base} ${detail}` : base };
}

export function isRetryable(code: RejectionCode): boolean {
  return REJECTION_CODES[code].retryable;
}
