import { isAddress, type Address } from "viem";
import { parseSiweMessage, type SiweMessage } from "viem/siwe";
import { SUPPORTED_CHAINS } from "@/lib/config/chains";
import { SignInError } from "./errors";

/**
 * The pure half of Sign-In with Ethereum (EIP-4361): parsing and checking a
 * message against what this deployment expects. No I/O, so it is unit-tested
 * directly; lib/auth/siwe.ts adds the nonce store and signature check.
 */

/** A parsed message with every field this app relies on present. */
export type SignInMessage = SiweMessage & { address: Address; issuedAt: Date };

export interface SignInExpectations {
  /** The app's public origin (APP_URL); its host is the only accepted SIWE domain. */
  appUrl: string;
  chainId: number;
  now: Date;
  /** Tolerated difference between the wallet's clock and ours. */
  clockSkewMs?: number;
}

const DEFAULT_CLOCK_SKEW_MS = 60_000;

function chainLabel(chainId: number): string {
  const name = SUPPORTED_CHAINS[chainId]?.name;
  return name ? `${name} (chain ${chainId})` : `chain ${chainId}`;
}

export function parseSignInMessage(text: string): SignInMessage {
  const fields = parseSiweMessage(text);
  const missing = (["domain", "address", "uri", "version", "chainId", "nonce", "issuedAt"] as const).filter(
    (key) => fields[key] === undefined,
  );
  if (missing.length > 0) {
    throw new SignInError(
      "invalid_message",
      `The sign-in message is not a valid EIP-4361 message (missing ${missing.join(", ")}).`,
    );
  }
  const { domain, address, uri, version, chainId, nonce, issuedAt } = fields;
  if (!domain || !address || !uri || !version || !chainId || !nonce || !issuedAt) {
    throw new SignInError("invalid_message", "The sign-in message is not a valid EIP-4361 message.");
  }
  if (!isAddress(address, { strict: false })) {
    throw new SignInError("invalid_message", "The sign-in message names an invalid address.");
  }
  if (Number.isNaN(issuedAt.getTime())) {
    throw new SignInError("invalid_message", "The sign-in message has an invalid Issued At time.");
  }
  return { ...fields, domain, address, uri, version, chainId, nonce, issuedAt };
}

/** Host (with port when not the default) that sign-in messages must name. */
export function expectedDomain(appUrl: string): string {
  return new URL(appUrl).host.toLowerCase();
}

/** Checks domain, URI, chain and validity window. Throws SignInError naming the first mismatch. */
export function checkSignInMessage(message: SignInMessage, expected: SignInExpectations): void {
  const app = new URL(expected.appUrl);
  const domain = expectedDomain(expected.appUrl);
  const skew = expected.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const now = expected.now.getTime();

  if (message.domain.toLowerCase() !== domain) {
    throw new SignInError(
      "domain_mismatch",
      `The message asks to sign in to "${message.domain}", but this app is served at "${domain}". Open ${app.origin} and sign in there.`,
    );
  }

  let uriOrigin: string;
  try {
    uriOrigin = new URL(message.uri).origin;
  } catch {
    throw new SignInError("invalid_message", `The message URI "${message.uri}" is not a valid URL.`);
  }
  if (uriOrigin !== app.origin) {
    throw new SignInError("uri_mismatch", `The message URI must be on ${app.origin}, not ${uriOrigin}.`);
  }

  if (message.chainId !== expected.chainId) {
    throw new SignInError(
      "wrong_chain",
      `The message is for ${chainLabel(message.chainId)}, but this app runs on ${chainLabel(expected.chainId)}. Switch your wallet's network and sign in again.`,
    );
  }

  if (message.expirationTime && message.expirationTime.getTime() <= now - skew) {
    throw new SignInError("message_expired", "The sign-in message has expired. Sign in again.");
  }
  if (message.notBefore && message.notBefore.getTime() > now + skew) {
    throw new SignInError("message_not_yet_valid", "The sign-in message is not valid yet (Not Before is in the future).");
  }
  if (message.issuedAt.getTime() > now + skew) {
    throw new SignInError(
      "message_not_yet_valid",
      "The sign-in message was issued in the future; check your device's clock.",
    );
  }
}

/**
 * The request must have reached the app under its public host; a request
 * arriving under another name is not one our sign-in page produced.
 */
export function checkRequestHost(hostHeader: string | null, appUrl: string): void {
  const app = new URL(appUrl);
  let requestHost: string | null = null;
  if (hostHeader) {
    try {
      // Normalises case and drops a default port, like URL.host does for APP_URL.
      requestHost = new URL(`${app.protocol}//${hostHeader}`).host;
    } catch {
      requestHost = null;
    }
  }
  if (requestHost !== app.host) {
    throw new SignInError(
      "host_mismatch",
      `Sign-in is only accepted at ${app.host}; this request came to ${hostHeader ?? "an unknown host"}.`,
    );
  }
}
