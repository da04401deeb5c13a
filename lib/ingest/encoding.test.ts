import fc from "fast-check";
import { bytesToHex, getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { decodeTelemetry, encodeTelemetry, HEADER_BYTES, telemetryDigest } from "./encoding";
import { SCALAR_FIELDS } from "./fields";
import { type TelemetryMessage } from "./message";
import { applyMutation, messageArb, mutationArb, TEST_DEVICES } from "./test-arbitraries";

const device = TEST_DEVICES[0]!.device;
const minimal: TelemetryMessage = { device, sequence: 1n, timestamp: 1_767_225_600_000 };

/** What decodeTelemetry returns for a message: same fields, checksummed device. */
function normalised(message: TelemetryMessage): TelemetryMessage {
  return { ...message, device: getAddress(message.device) };
}

describe("encodeTelemetry", () => {
  it("encodes a message without optional fields as the 43-byte header", () => {
    expect(encodeTelemetry(minimal)).toHaveLength(HEADER_BYTES);
  });

  it("encodes a message with every field in 109 bytes", () => {
    const full: TelemetryMessage = {
      ...minimal,
      position: { latE6: 1, lonE6: 2, accuracyCm: 3 },
      ...Object.fromEntries(SCALAR_FIELDS.map((f) => [f.key, f.min])),
      firmware: "x".repeat(32),
    };
    expect(encodeTelemetry(full)).toHaveLength(109);
  });

  it("treats an explicitly undefined field like an absent one", () => {
    expect(encodeTelemetry({ ...minimal, batteryPct: undefined })).toEqual(encodeTelemetry(minimal));
  });

  it("refuses values the layout cannot represent instead of wrapping them", () => {
    expect(() => encodeTelemetry({ ...minimal, temperatureCentiC: 40_000 })).toThrow(RangeError);
    expect(() => encodeTelemetry({ ...minimal, batteryPct: 2.5 })).toThrow(RangeError);
    expect(() => encodeTelemetry({ ...minimal, sequence: -1n })).toThrow(RangeError);
    expect(() => encodeTelemetry({ ...minimal, sequence: 2n ** 64n })).toThrow(RangeError);
    expect(() => encodeTelemetry({ ...minimal, firmware: "é" })).toThrow(RangeError);
    expect(() => encodeTelemetry({ ...minimal, position: { latE6: 0, lonE6: 180_000_001 } })).toThrow(RangeError);
  });
});

describe("decodeTelemetry", () => {
  const header = encodeTelemetry(minimal);
  const withPresence = (presence: number, body: number[] = []) => {
    const bytes = new Uint8Array([...header, ...body]);
    new DataView(bytes.buffer).setUint16(41, presence);
    return bytes;
  };

  it("rejects what the encoder never produces", () => {
    expect(() => decodeTelemetry(withPresence(1 << 12))).toThrow(/reserved/);
    expect(() => decodeTelemetry(withPresence(1 << 1, [0, 0, 0, 1]))).toThrow(/accuracy without position/);
    expect(() => decodeTelemetry(new Uint8Array([...header, 0]))).toThrow(/trailing/);
    expect(() => decodeTelemetry(withPresence(1 << 10))).toThrow(/truncated/);
    expect(() => decodeTelemetry(withPresence(1 << 10, [101]))).toThrow(RangeError);
    expect(() => decodeTelemetry(header.subarray(0, 42))).toThrow(/short/);
  });
});

describe("the encoding is injective", () => {
  it("decode ∘ encode is the identity on every valid message (so no two messages share an encoding)", () => {
    fc.assert(
      fc.property(messageArb(), (message) => {
        expect(decodeTelemetry(encodeTelemetry(message))).toEqual(normalised(message));
      }),
      { numRuns: 3_000 },
    );
  });

  it("messages one field apart (the likeliest collisions) have different digests", () => {
    fc.assert(
      fc.property(messageArb(), mutationArb, (message, mutation) => {
        const other = applyMutation(message, mutation);
        fc.pre(JSON.stringify(normalisedWire(other)) !== JSON.stringify(normalisedWire(message)));
        expect(telemetryDigest(other)).not.toBe(telemetryDigest(message));
      }),
      { numRuns: 3_000 },
    );
  });

  it("random pairs of distinct messages have different digests", () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(messageArb(), (message) => {
        const key = JSON.stringify(normalisedWire(message));
        const digest = telemetryDigest(message);
        const previous = seen.get(digest);
        if (previous !== undefined) expect(previous).toBe(key);
        seen.set(digest, key);
      }),
      { numRuns: 3_000 },
    );
  });

  it("every bit of the encoding matters: flipping one changes the decoded message or makes it invalid", () => {
    fc.assert(
      fc.property(messageArb(), fc.nat(), (message, bitSeed) => {
        const bytes = encodeTelemetry(message);
        const bit = bitSeed % (bytes.length * 8);
        const flipped = bytes.slice();
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        let decoded: TelemetryMessage | undefined;
        try {
          decoded = decodeTelemetry(flipped);
        } catch {
          return; // not a valid encoding at all
        }
        expect(bytesToHex(encodeTelemetry(decoded))).toBe(bytesToHex(flipped));
        expect(decoded).not.toEqual(normalised(message));
      }),
      { numRuns: 3_000 },
    );
  });
});

/** A comparable form of a message: sorted keys, bigint as text, checksummed device, no undefined members. */
function normalisedWire(message: TelemetryMessage): unknown {
  const sortKeys = (value: unknown): unknown => {
    if (typeof value === "bigint") return `${value}n`;
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  };
  return sortKeys(normalised(message));
}
