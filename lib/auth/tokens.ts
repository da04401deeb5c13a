import { createHash, randomBytes } from "node:crypto";

/** A fresh session token: 256 random bits, URL-safe. Only the browser ever holds it. */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Session ids are the token's SHA-256, so a database leak yields no usable cookies. */
export function sessionIdFromToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
