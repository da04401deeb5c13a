import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { UnauthorizedError } from "@/lib/http/errors";
import { clearedCookieAttributes, sessionCookieAttributes, sessionCookieName } from "./cookie";
import { sessionIdFromToken } from "./tokens";

export interface Session {
  address: `0x${string}`;
  chainId: number;
  expiresAt: Date;
}

/** Looks a cookie token up; revoked, expired and other-chain sessions count as none. */
export async function sessionForToken(token: string, now = new Date()): Promise<Session | null> {
  const row = await db().session.findUnique({ where: { id: sessionIdFromToken(token) } });
  if (!row || row.revokedAt || row.expiresAt <= now || row.chainId !== serverEnv().CHAIN_ID) return null;
  return { address: row.address as `0x${string}`, chainId: row.chainId, expiresAt: row.expiresAt };
}

async function readToken(): Promise<string | undefined> {
  return (await cookies()).get(sessionCookieName(serverEnv().APP_URL))?.value;
}

/** The signed-in wallet for the current request, or null. Deduplicated per request. */
export const getSession = cache(async (): Promise<Session | null> => {
  const token = await readToken();
  return token ? sessionForToken(token) : null;
});

/** For private pages and routes: the session, or a 401 UnauthorizedError. */
export async function requireSession(): Promise<Session> {
  const session = await getSession();
  if (!session) throw new UnauthorizedError();
  return session;
}

/** Sets the session cookie (route handlers and server actions only). */
export async function setSessionCookie(token: string, expiresAt: Date): Promise<void> {
  const appUrl = serverEnv().APP_URL;
  (await cookies()).set(sessionCookieName(appUrl), token, sessionCookieAttributes(appUrl, expiresAt));
}

/** Revokes the current session (if any) and clears its cookie. */
export async function signOut(now = new Date()): Promise<void> {
  const appUrl = serverEnv().APP_URL;
  const token = await readToken();
  if (token) {
    await db().session.updateMany({
      where: { id: sessionIdFromToken(token), revokedAt: null },
      data: { revokedAt: now },
    });
  }
  (await cookies()).set(sessionCookieName(appUrl), "", clearedCookieAttributes(appUrl));
}
