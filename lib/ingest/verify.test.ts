import fc from "fast-check";
import { type Hex } from "viem";
import { describe, expect, it } from "vitest";
import { telemetryDigest } from "./encoding";
import { DEFAULT_SKEW } from "./limits";
import { type SignedTelemetryMessage, type TelemetryMessage } from "./message";
import { signTelemetry } from "./sign";
import { applyMutation, messageArb, mutationArb, TEST_DEVICES } from "./test-arbitraries";
import { checkMessage, messageResult, verifyTelemetry, verifyTelemetrySignature } from "./verify";

const { key, device } = TEST_DEVICES[0]!;
const NOW = 1_767_225_600_000;
const base: TelemetryMessage = { device, sequence: 10n, timestamp: NOW, batteryPct: 80 };
const keyOf = (address: string): Hex => TEST_DEVICES.find((d) => d.device === address)!.key;
const codeOf = (result: { ok: true } | { ok: false; rejection: { code: string } }) => (result.ok ? "ok" : result.rejection.code);

function withSignatureBitFlipped(signature: Hex, bit: number): Hex {
  const bytes = Buffer.from(signature.slice(2), "hex");
  bytes[bit >> 3]! ^= 1 << (bit & 7);
  return `0x${bytes.toString("hex")}`;
}

describe("verifyTelemetrySignature", () => {
  it("accepts a message signed by its device and returns the digest it stores under", async () => {
    const signed = await signTelemetry(key, base);
    expect(verifyTelemetrySignature(signed)).toEqual({ ok: true, digest: telemetryDigest(base), signer: device });
  });

  it("says DEVICE_MISMATCH when another registered key signed", async () => {
    const other = TEST_DEVICES[1]!;
    const signed = await signTelemetry(other.key, { ...base, device: other.device });
    expect(codeOf(verifyTelemetrySignature({ ...signed, device }))).toBe("DEVICE_MISMATCH");
  });

  it("refuses v other than 27/28, high s, and r or s out of range as BAD_SIGNATURE", async () => {
    const { signature } = await signTelemetry(key, base);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const r = signature.slice(2, 66);
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = signature.slice(130);
    const flippedV = v === "1b" ? "1c" : "1b";
    const hex32 = (x: bigint) => x.toString(16).padStart(64, "0");
    const variants: Hex[] = [
      `0x${r}${hex32(s)}00`,
      `0x${r}${hex32(s)}01`,
      // The malleable twin (r, n − s, other v) recovers the same key: only the low-s rule stops it.
      `0x${r}${hex32(n - s)}${flippedV}`,
      `0x${"00".repeat(32)}${hex32(s)}${v}`,
      `0x${"ff".repeat(32)}${hex32(s)}${v}`,
      `0x${r}${"00".repeat(32)}${v}`,
    ];
    for (const variant of variants) {
      expect(codeOf(verifyTelemetrySignature({ ...base, signature: variant }))).toBe("BAD_SIGNATURE");
    }
  });

  it("holds for every valid message signed by its device: verify(sign(m))", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb(), async (message) => {
        const result = verifyTelemetrySignature(await signTelemetry(keyOf(message.device), message));
        expect(result).toMatchObject({ ok: true, signer: message.device });
      }),
      { numRuns: 150 },
    );
  });

  it("rejects any single change to a field of a signed message", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb(), mutationArb, async (message, mutation) => {
        const signed = await signTelemetry(keyOf(message.device), message);
        const tampered = applyMutation(signed, mutation);
        fc.pre(telemetryDigestOrNull(tampered) !== telemetryDigest(message));
        const result = verifyTelemetrySignature(tampered);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("rejects any single bit flip of the signature", async () => {
    await fc.assert(
      fc.asyncProperty(messageArb(), fc.integer({ min: 0, max: 65 * 8 - 1 }), async (message, bit) => {
        const signed = await signTelemetry(keyOf(message.device), message);
        const result = verifyTelemetrySignature({ ...signed, signature: withSignatureBitFlipped(signed.signature, bit) });
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects every bit flip of one signature, exhaustively", async () => {
    const signed = await signTelemetry(key, base);
    for (let bit = 0; bit < 65 * 8; bit++) {
      const result = verifyTelemetrySignature({ ...signed, signature: withSignatureBitFlipped(signed.signature, bit) });
      expect(result.ok, `bit ${bit}`).toBe(false);
    }
  });
});

/** The digest of a tampered message, or null when it is no longer encodable (then it cannot verify either). */
function telemetryDigestOrNull(message: SignedTelemetryMessage): Hex | null {
  try {
    return telemetryDigest(message);
  } catch {
    return null;
  }
}

describe("checkMessage: clock window", () => {
  const at = (timestamp: number) => checkMessage({ ...base, timestamp }, { now: NOW, lastSequence: null });

  it("accepts the inclusive bounds now − 24 h and now + 5 min", () => {
    expect(codeOf(at(NOW - DEFAULT_SKEW.pastMs))).toBe("ok");
    expect(codeOf(at(NOW + DEFAULT_SKEW.futureMs))).toBe("ok");
    expect(codeOf(at(NOW))).toBe("ok");
  });

  it("rejects one millisecond beyond either bound as CLOCK_SKEW", () => {
    expect(codeOf(at(NOW - DEFAULT_SKEW.pastMs - 1))).toBe("CLOCK_SKEW");
    expect(codeOf(at(NOW + DEFAULT_SKEW.futureMs + 1))).toBe("CLOCK_SKEW");
    expect(codeOf(at(0))).toBe("CLOCK_SKEW");
  });

  it("uses the window it is given", () => {
    const skew = { futureMs: 1_000, pastMs: 2_000 };
    const check = (timestamp: number) => codeOf(checkMessage({ ...base, timestamp }, { now: NOW, lastSequence: null, skew }));
    expect([NOW + 1_000, NOW + 1_001, NOW - 2_000, NOW - 2_001].map(check)).toEqual(["ok", "CLOCK_SKEW", "ok", "CLOCK_SKEW"]);
  });

  it("holds on both sides of each bound for arbitrary now and offsets", () => {
    fc.assert(
      fc.property(fc.integer({ min: 10 ** 12, max: 10 ** 13 }), fc.integer({ min: -2 * DEFAULT_SKEW.pastMs, max: 2 * DEFAULT_SKEW.pastMs }), (now, offset) => {
        const expected = offset <= DEFAULT_SKEW.futureMs && -offset <= DEFAULT_SKEW.pastMs ? "ok" : "CLOCK_SKEW";
        expect(codeOf(checkMessage({ ...base, timestamp: now + offset }, { now, lastSequence: null }))).toBe(expected);
      }),
    );
  });
});

describe("checkMessage: sequence", () => {
  const check = (sequence: bigint, lastSequence: bigint | null, storedDigest?: Hex) =>
    codeOf(checkMessage({ ...base, sequence }, { now: NOW, lastSequence, storedDigest }));

  it("accepts any sequence for a device's first message, and only higher ones afterwards", () => {
    expect(check(0n, null)).toBe("ok");
    expect(check(11n, 10n)).toBe("ok");
    expect(check(10n, 10n)).toBe("SEQUENCE_REPLAY");
    expect(check(9n, 10n)).toBe("SEQUENCE_REPLAY");
    expect(check(2n ** 64n - 1n, 2n ** 64n - 2n)).toBe("ok");
  });

  it("tells a retry of the stored message (DUPLICATE) from a different message reusing its sequence", () => {
    const stored = telemetryDigest({ ...base, sequence: 9n });
    expect(check(9n, 10n, stored)).toBe("DUPLICATE");
    expect(codeOf(checkMessage({ ...base, sequence: 9n, batteryPct: 79 }, { now: NOW, lastSequence: 10n, storedDigest: stored }))).toBe(
      "SEQUENCE_REPLAY",
    );
  });

  it("a late retry of an accepted message is still DUPLICATE, not CLOCK_SKEW", () => {
    const old = { ...base, timestamp: NOW - 2 * DEFAULT_SKEW.pastMs };
    const result = checkMessage(old, { now: NOW, lastSequence: 10n, storedDigest: telemetryDigest(old) });
    expect(codeOf(result)).toBe("DUPLICATE");
  });
});

describe("verifyTelemetry", () => {
  it("gives the per-message result of the wire format", async () => {
    const signed = await signTelemetry(key, base);
    const accepted = verifyTelemetry(signed, { now: NOW, lastSequence: 9n });
    expect(accepted).toEqual({ status: "accepted", digest: telemetryDigest(base) });
    expect(messageResult(0, accepted)).toEqual({ index: 0, status: "accepted" });

    const duplicate = verifyTelemetry(signed, { now: NOW, lastSequence: 10n, storedDigest: telemetryDigest(base) });
    expect(messageResult(1, duplicate)).toMatchObject({ index: 1, status: "duplicate", code: "DUPLICATE" });

    const forged = verifyTelemetry({ ...signed, batteryPct: 81 }, { now: NOW, lastSequence: 9n });
    expect(messageResult(2, forged)).toMatchObject({ index: 2, status: "rejected", code: "DEVICE_MISMATCH" });

    const replay = verifyTelemetry(signed, { now: NOW, lastSequence: 10n });
    expect(messageResult(3, replay)).toMatchObject({ status: "rejected", code: "SEQUENCE_REPLAY" });
  });
});
