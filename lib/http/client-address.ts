/**
 * The client's address: the rightmost X-Forwarded-For entry, i.e. the one the
 * nearest proxy (or Next.js itself) added. Behind more than one proxy, or with
 * no proxy that overwrites the header, a client can choose its own key.
 */
export function clientAddress(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for");
  const last = forwarded?.split(",").at(-1)?.trim();
  return last || request.headers.get("x-real-ip") || "unknown";
}
