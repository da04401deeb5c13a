/**
 * Session cookie naming and attributes, derived from APP_URL so that one
 * build works both on http://localhost and behind https.
 */

export interface CookieAttributes {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  expires?: Date;
  maxAge?: number;
}

function isHttps(appUrl: string): boolean {
  return new URL(appUrl).protocol === "https:";
}

/** The `__Host-` prefix makes browsers insist on Secure, Path=/ and no Domain, so subdomains can't plant it. */
export function sessionCookieName(appUrl: string): string {
  return isHttps(appUrl) ? "__Host-depinhub_session" : "depinhub_session";
}

export function sessionCookieAttributes(appUrl: string, expiresAt: Date): CookieAttributes {
  return { httpOnly: true, sameSite: "lax", secure: isHttps(appUrl), path: "/", expires: expiresAt };
}

/** Attributes that make the browser drop the cookie. */
export function clearedCookieAttributes(appUrl: string): CookieAttributes {
  return { httpOnly: true, sameSite: "lax", secure: isHttps(appUrl), path: "/", maxAge: 0 };
}
