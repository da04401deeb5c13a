import "server-only";
import { createPublicClient, getAddress, type Hex } from "viem";
import { generateSiweNonce } from "viem/siwe";
import { chainTransport } from "@/lib/chain/transport";
import { serverEnv } from "@/lib/config/env";
import { chainById } from "@/lib/config/chains";
import { db } from "@/lib/db/client";
import { ServiceUnavailableError } from "@/lib/http/errors";
import { SignInError } from "./errors";
import { checkRequestHost, checkSignInMessage, parseSignInMessage, type SignInMessage } from "./siwe-checks";
import { newSessionToken, sessionIdFromToken } from "./tokens";

/**
 * Sign-In with Ethereum (EIP-4361): nonces are issued and stored by the
 * server and consumed exactly once (a conditional UPDATE, so two app
 * instances cannot both accept the same message); signatures are checked
 * through the chain so smart-contract accounts (ERC-1271/6492) work too.
 */

export interface IssuedNonce {
  nonce: string;
  expiresAt: Date;
}

export async function issueNonce(now = new Date()): Promise<IssuedNonce> {
  const nonce = generateSiweNonce();
  const expiresAt = new Date(now.getTime() + serverEnv().NONCE_TTL_SECONDS * 1000);
  await db().authNonce.create({ data: { nonce, expiresAt, createdAt: now } });
  return { nonce, expiresAt };
}

export interface SignInRequest {
  message: string;
  signature: Hex;
  /** The request's Host header. */
  host: string | null;
}

export interface SignedIn {
  /** Goes into the session cookie; never stored server-side. */
  token: string;
  address: `0x${string}`;
  chainId: number;
  expiresAt: Date;
}

export async function signIn(request: SignInRequest, now = new Date()): Promise<SignedIn> {
  const env = serverEnv();
  const message = parseSignInMessage(request.message);
  checkSignInMessage(message, { appUrl: env.APP_URL, chainId: env.CHAIN_ID, now });
  checkRequestHost(request.host, env.APP_URL);

  // Cheap rejection of unknown/spent nonces before the RPC round trip; the
  // authoritative, race-free check is the conditional update below.
  await assertNonceUsable(message.nonce, now);
  await assertSignedBy(message, request, now);

  const address = getAddress(message.address);
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + env.SESSION_TTL_HOURS * 3_600_000);
  await db().$transaction(async (tx) => {
    const consumed = await tx.authNonce.updateMany({
      where: { nonce: message.nonce, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (consumed.count !== 1) throw nonceError(await tx.authNonce.findUnique({ where: { nonce: message.nonce } }), now);
    await tx.session.create({
      data: { id: sessionIdFromToken(token), address, chainId: message.chainId, createdAt: now, expiresAt },
    });
  });
  return { token, address, chainId: message.chainId, expiresAt };
}

type NonceRow = { usedAt: Date | null; expiresAt: Date } | null;

function nonceError(row: NonceRow, now: Date): SignInError {
  if (!row) return new SignInError("nonce_unknown", "This sign-in request was not issued by this server. Sign in again.");
  if (row.usedAt) return new SignInError("nonce_used", "This sign-in message was already used. Sign in again.");
  if (row.expiresAt <= now) return new SignInError("nonce_expired", "This sign-in request expired. Sign in again.");
  return new SignInError("nonce_used", "This sign-in message was already used. Sign in again.");
}

async function assertNonceUsable(nonce: string, now: Date): Promise<void> {
  const row = await db().authNonce.findUnique({ where: { nonce }, select: { usedAt: true, expiresAt: true } });
  if (!row || row.usedAt || row.expiresAt <= now) throw nonceError(row, now);
}

async function assertSignedBy(message: SignInMessage, request: SignInRequest, now: Date): Promise<void> {
  const env = serverEnv();
  const chain = chainById(env.CHAIN_ID);
  const client = createPublicClient({
    chain,
    transport: chainTransport(env.RPC_URLS.length ? env.RPC_URLS : chain.rpcUrls.default.http, { timeoutMs: 5_000, retryCount: 1 }),
  });
  let valid: boolean;
  try {
    // For EOAs viem falls back to local ECDSA recovery when the RPC call fails,
    // so only smart-account sign-ins depend on the chain being reachable.
    valid = await client.verifySiweMessage({
      message: request.message,
      signature: request.signature,
      address: message.address,
      domain: message.domain,
      nonce: message.nonce,
      time: now,
    });
  } catch (error) {
    throw new ServiceUnavailableError("Could not reach the chain to verify the signature. Try again shortly.", "chain_unavailable", {
      cause: error,
    });
  }
  if (!valid) {
    throw new SignInError("bad_signature", `The signature does not match ${getAddress(message.address)} for this message.`);
  }
}
