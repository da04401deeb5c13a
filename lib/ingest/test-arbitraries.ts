import fc from "fast-check";
import { type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { FIRMWARE_MAX_BYTES, POSITION_FIELDS, SCALAR_FIELDS } from "./fields";
import { MAX_UINT64, type TelemetryMessage } from "./message";

/** fast-check generators of valid telemetry messages, shared by the property tests. */

// A few fixed keys: deriving an address per generated key would dominate test time.
export const TEST_KEYS: Hex[] = [
  "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
  "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
];
export const TEST_DEVICES = TEST_KEYS.map((key) => ({ key, device: privateKeyToAddress(key) }));

const range = (field: { min: number; max: number }) => fc.integer({ min: field.min, max: field.max });

export const positionArb = fc.record(
  { latE6: range(POSITION_FIELDS.latE6), lonE6: range(POSITION_FIELDS.lonE6), accuracyCm: range(POSITION_FIELDS.accuracyCm) },
  { requiredKeys: ["latE6", "lonE6"] },
);

export const firmwareArb = fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{1,${FIRMWARE_MAX_BYTES}}$`));

/** Generators for every optional field, keyed like the message. */
export const optionalFieldArbs = {
  position: positionArb,
  firmware: firmwareArb,
  ...Object.fromEntries(SCALAR_FIELDS.map((field) => [field.key, range(field)])),
} as Record<string, fc.Arbitrary<unknown>>;

export const sequenceArb = fc.oneof(fc.bigInt({ min: 0n, max: MAX_UINT64 }), fc.constantFrom(0n, 1n, MAX_UINT64, 2n ** 53n));
export const timestampArb = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });

/** Any valid message of one of the test devices; each optional field present or absent. */
export const messageArb = (devices = TEST_DEVICES): fc.Arbitrary<TelemetryMessage> =>
  fc
    .record(
      {
        device: fc.constantFrom(...devices.map((d) => d.device)),
        sequence: sequenceArb,
        timestamp: timestampArb,
        ...optionalFieldArbs,
      },
      { requiredKeys: ["device", "sequence", "timestamp"] },
    )
    .map((record) => record as TelemetryMessage);

/** Replaces, adds or removes exactly one field of a message. */
export type Mutation = { key: string; value: unknown } | { key: string; remove: true };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ key: fc.constant("device"), value: fc.constantFrom(...TEST_DEVICES.map((d) => d.device)) }),
  fc.record({ key: fc.constant("sequence"), value: sequenceArb }),
  fc.record({ key: fc.constant("timestamp"), value: timestampArb }),
  ...Object.entries(optionalFieldArbs).map(([key, arb]) => fc.record({ key: fc.constant(key), value: arb })),
  fc.record({ key: fc.constantFrom(...Object.keys(optionalFieldArbs)), remove: fc.constant(true as const) }),
);

export function applyMutation<T extends object>(message: T, mutation: Mutation): T {
  const copy = { ...message } as Record<string, unknown>;
  if ("remove" in mutation) delete copy[mutation.key];
  else copy[mutation.key] = mutation.value;
  return copy as T;
}
