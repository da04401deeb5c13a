import { createSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";
import { SignInError } from "./errors";
import { checkRequestHost, checkSignInMessage, expectedDomain, parseSignInMessage } from "./siwe-checks";

const APP_URL = "http://localhost:3000";
const NOW = new Date("2026-11-25T12:00:00Z");
const ADDRESS = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";

type MessageFields = Parameters<typeof createSiweMessage>[0];

function message(overrides: Partial<MessageFields> = {}): string {
  return createSiweMessage({
    address: ADDRESS,
    chainId: 31337,
    domain: "localhost:3000",
    nonce: "abcdef1234567890",
    uri: "http://localhost:3000",
    version: "1",
    issuedAt: new Date(NOW.getTime() - 5_000),
    statement: "Sign in to DePIN Hub.",
    ...overrides,
  });
}

function rejectionCode(run: () => void): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof SignInError) return error.code;
    throw error;
  }
  return undefined;
}

const check = (text: string, expected: Partial<Parameters<typeof checkSignInMessage>[1]> = {}) =>
  rejectionCode(() => checkSignInMessage(parseSignInMessage(text), { appUrl: APP_URL, chainId: 31337, now: NOW, ...expected }));

describe("parseSignInMessage", () => {
  it("returns the fields of a well-formed message", () => {
    const parsed = parseSignInMessage(message());
    expect(parsed.address).toBe(ADDRESS);
    expect(parsed.chainId).toBe(31337);
    expect(parsed.nonce).toBe("abcdef1234567890");
  });

  it("rejects text that is not an EIP-4361 message as invalid_message (400)", () => {
    try {
      parseSignInMessage("hello, please sign this");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SignInError);
      expect((error as SignInError).code).toBe("invalid_message");
      expect((error as SignInError).status).toBe(400);
    }
  });
});

describe("checkSignInMessage", () => {
  it("accepts a message for this app, chain and time", () => {
    expect(check(message())).toBeUndefined();
  });

  it("rejects another domain, including the same host on another port", () => {
    expect(check(message({ domain: "evil.example" }))).toBe("domain_mismatch");
    expect(check(message({ domain: "localhost:3001" }))).toBe("domain_mismatch");
  });

  it("rejects a URI on another origin", () => {
    expect(check(message({ uri: "https://localhost:3000/" }))).toBe("uri_mismatch");
    expect(check(message({ uri: "http://evil.example/login" }))).toBe("uri_mismatch");
  });

  it("accepts a URI with a path on the app's origin", () => {
    expect(check(message({ uri: "http://localhost:3000/devices" }))).toBeUndefined();
  });

  it("rejects another chain and names both chains", () => {
    try {
      checkSignInMessage(parseSignInMessage(message({ chainId: 4689 })), { appUrl: APP_URL, chainId: 31337, now: NOW });
      expect.unreachable();
    } catch (error) {
      expect((error as SignInError).code).toBe("wrong_chain");
      expect((error as SignInError).message).toMatch(/IoTeX/);
      expect((error as SignInError).message).toMatch(/31337/);
      expect((error as SignInError).status).toBe(401);
    }
  });

  it("rejects an expired message", () => {
    expect(check(message({ expirationTime: new Date(NOW.getTime() - 120_000) }))).toBe("message_expired");
  });

  it("tolerates small clock differences", () => {
    expect(check(message({ expirationTime: new Date(NOW.getTime() - 10_000) }))).toBeUndefined();
    expect(check(message({ issuedAt: new Date(NOW.getTime() + 10_000) }))).toBeUndefined();
  });

  it("rejects a message whose notBefore or issuedAt lies in the future", () => {
    expect(check(message({ notBefore: new Date(NOW.getTime() + 600_000) }))).toBe("message_not_yet_valid");
    expect(check(message({ issuedAt: new Date(NOW.getTime() + 600_000) }))).toBe("message_not_yet_valid");
  });

  it("uses APP_URL's host, dropping default ports", () => {
    expect(expectedDomain("https://hub.example.org:443/app")).toBe("hub.example.org");
    expect(check(message({ domain: "hub.example.org", uri: "https://hub.example.org/" }), { appUrl: "https://hub.example.org" })).toBeUndefined();
  });
});

describe("checkRequestHost", () => {
  it("accepts the app's host", () => {
    expect(rejectionCode(() => checkRequestHost("localhost:3000", APP_URL))).toBeUndefined();
    expect(rejectionCode(() => checkRequestHost("hub.example.org:443", "https://hub.example.org"))).toBeUndefined();
  });

  it("rejects other or missing hosts", () => {
    expect(rejectionCode(() => checkRequestHost("127.0.0.1:3000", APP_URL))).toBe("host_mismatch");
    expect(rejectionCode(() => checkRequestHost(null, APP_URL))).toBe("host_mismatch");
    expect(rejectionCode(() => checkRequestHost("bad host/", APP_URL))).toBe("host_mismatch");
  });
});
