import fc from "fast-check";

/**
 * fast-check arbitraries for hostile API input: path parameters, query
 * strings and bodies that are malformed, mistyped, huge or nearly valid.
 */

const hexString = (min: number, max: number) =>
  fc.array(fc.constantFrom(..."0123456789abcdefABCDEF"), { minLength: min, maxLength: max }).map((chars) => chars.join(""));

/** Strings that survive encodeURIComponent (no lone surrogates). */
const text = (maxLength: number) => fc.string({ unit: "grapheme", maxLength });

/**
 * A "." or ".." segment never reaches a route: URL parsing resolves it (it is
 * a different path, usually Next's HTML 404 for no route), so those two values
 * are left out; every other string is sent, URL-encoded, as the parameter.
 */
const isDotSegment = (value: string) => value === "." || value === "..";

export const paramValue: fc.Arbitrary<string> = fc
  .oneof(
    hexString(40, 40).map((hex) => `0x${hex}`),
    hexString(0, 80).map((hex) => `0x${hex}`),
    fc.uuid(),
    fc.integer().map(String),
    fc.constantFrom("...", "%00", "null", "undefined", "0x", "-1", "1e309", "__proto__", "constructor", " ", "\u202e"),
    text(64),
    fc.constant("a".repeat(4000)),
  )
  .filter((value) => !isDotSegment(value));

export const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom("id", "device", "limit", "cursor", "from", "to", "page", "__proto__"), text(12)), fc.oneof(text(24), fc.integer().map(String))), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? "" : `?${new URLSearchParams(pairs).toString()}`));

/** Keys today's routes read, so values reach validation with the wrong type rather than just missing. */
const KNOWN_KEYS = ["message", "signature", "device", "pairingId", "messages", "address", "id", "amount", "price", "projectId", "epoch", "name"];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, -1, 0, 1e308, -0, "", "0x", "0x00", "NaN"),
  hexString(0, 140).map((hex) => `0x${hex}`),
  fc.constant("9".repeat(400)),
);

/** A text that looks like an EIP-4361 message with random field values. */
const siweLike: fc.Arbitrary<string> = fc
  .record({ domain: text(20), address: paramValue, uri: text(30), chain: fc.oneof(fc.integer().map(String), text(6)), nonce: text(20), issued: text(30) })
  .map(
    (f) =>
      `${f.domain} wants you to sign in with your Ethereum account:\n${f.address}\n\nSign in.\n\nURI: ${f.uri}\nVersion: 1\nChain ID: ${f.chain}\nNonce: ${f.nonce}\nIssued At: ${f.issued}`,
  );

export interface FuzzBody {
  contentType: string | null;
  body: string | Buffer;
  label: string;
}

export const fuzzBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.string({ maxLength: 200 }).map((body) => ({ contentType: "application/json", body, label: "malformed json" })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ contentType: "application/json", body: JSON.stringify(value) ?? "null", label: "any json" })),
  fc
    .dictionary(fc.constantFrom(...KNOWN_KEYS), hostileValue, { maxKeys: 5 })
    .map((value) => ({ contentType: "application/json", body: JSON.stringify(value), label: "known keys, wrong values" })),
  fc
    .record({ message: siweLike, signature: hostileValue })
    .map((value) => ({ contentType: "application/json", body: JSON.stringify(value), label: "sign-in-like" })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ contentType: "application/octet-stream", body: Buffer.from(bytes), label: "binary" })),
  fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", null).chain((contentType) =>
    fc.string({ maxLength: 100 }).map((body) => ({ contentType, body, label: `content-type ${contentType}` })),
  ),
  fc.integer({ min: 1_000, max: 50_000 }).map((depth) => ({ contentType: "application/json", body: "[".repeat(depth) + "]".repeat(depth), label: "deeply nested" })),
);

/** Bodies far beyond anything a route accepts. */
export function oversizedBodies(): FuzzBody[] {
  return [
    { contentType: "application/json", body: JSON.stringify({ message: "m".repeat(2 * 1024 * 1024), signature: "0x00" }), label: "2 MiB string field" },
    { contentType: "application/json", body: `[${"1,".repeat(1024 * 1024)}1]`, label: "1M-element array" },
    { contentType: "application/octet-stream", body: Buffer.alloc(8 * 1024 * 1024, 7), label: "8 MiB binary" },
  ];
}
