import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { bytesToHex, hashMessage, recoverMessageAddress, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { encodeTelemetry, telemetryDigest } from "./encoding";
import { parseSignedTelemetry } from "./message";
import { signTelemetry } from "./sign";
import { buildVectors, DOC_FILE, renderDocBlock, VECTORS_FILE, type TestVector } from "./test-vectors-spec";
import { verifyTelemetrySignature } from "./verify";

const vectors = JSON.parse(readFileSync(fileURLToPath(VECTORS_FILE), "utf8")) as TestVector[];

describe("published test vectors", () => {
  it("has at least the minimal, position and full vectors", () => {
    expect(vectors.map((v) => v.name.split(" ")[0])).toEqual(["minimal", "position", "full"]);
  });

  describe.each(vectors.map((vector) => [vector.name, vector] as const))("%s", (_name, vector) => {
    const parsed = parseSignedTelemetry(vector.message);
    if (!parsed.ok) throw new Error(`vector does not parse: ${parsed.rejection.reason}`);
    const message = parsed.value;

    it("parses to a message whose canonical encoding and digest are the published ones", () => {
      expect(bytesToHex(encodeTelemetry(message))).toBe(vector.encoding);
      expect(telemetryDigest(message)).toBe(vector.digest);
    });

    it("digest is plain EIP-191 personal_sign of the encoding (cross-checked with viem's own envelope)", () => {
      expect(hashMessage({ raw: vector.encoding })).toBe(vector.digest);
    });

    it("signs deterministically to the published signature, made by the published key", async () => {
      expect(message.device).toBe(privateKeyToAddress(vector.privateKey));
      const signed = await signTelemetry(vector.privateKey, message);
      expect(signed.signature).toBe(vector.signature);
      expect(vector.message.signature).toBe(vector.signature);
    });

    it("verifies, both with ours and with a generic personal_sign recovery", async () => {
      expect(verifyTelemetrySignature(message)).toMatchObject({ ok: true, digest: vector.digest });
      const signer = await recoverMessageAddress({ message: { raw: vector.encoding as Hex }, signature: vector.signature });
      expect(signer).toBe(message.device);
    });
  });

  it("are exactly what the current implementation generates (regenerate deliberately, never by hand)", async () => {
    expect(await buildVectors()).toEqual(vectors);
  });

  it("are pasted verbatim in docs/device-protocol.md", () => {
    const doc = readFileSync(fileURLToPath(DOC_FILE), "utf8");
    expect(doc).toContain(renderDocBlock(vectors));
  });
});
