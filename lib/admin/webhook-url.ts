import { isIP } from "node:net";

/**
 * Where a project's webhook may point. A webhook makes our server send requests to an address an admin chose, so
 * it must never reach our own network: loopback, private and carrier-grade NAT ranges, link-local (cloud metadata
 * at 169.254.169.254 and fd00:ec2::254), multicast, reserved and documentation ranges, and IPv6 forms that embed
 * such an IPv4 address. Checked when the URL is saved and again for every send, on the addresses the name
 * resolves to at that moment (a name can be re-pointed after it was saved: DNS rebinding).
 */

export interface WebhookTargetPolicy {
  /** http(s)://localhost, 127.0.0.1 and [::1] allowed (development and tests only; see webhookTargetPolicy). */
  allowLocalhost: boolean;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Names that only ever mean something inside a private network. */
const PRIVATE_NAME = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/;

// [first address as a 32-bit number, prefix length, what it is]
const IPV4_BLOCKED: Array<[string, number, string]> = [
  ["0.0.0.0", 8, "this network"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local (cloud metadata)"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignments"],
  ["192.0.2.0", 24, "documentation"],
  ["192.88.99.0", 24, "6to4 relay"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["198.51.100.0", 24, "documentation"],
  ["203.0.113.0", 24, "documentation"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

function ipv4ToNumber(address: string): number {
  return address.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function ipv4Reason(address: string): string | null {
  const value = ipv4ToNumber(address);
  for (const [base, prefix, reason] of IPV4_BLOCKED) {
    const size = 2 ** (32 - prefix);
    const start = ipv4ToNumber(base);
    if (value >= start && value < start + size) return reason;
  }
  return null;
}

/** An IPv6 address as 8 groups of 16 bits (accepts "::" and a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4ToNumber(dotted[1]!);
    text = `${text.slice(0, dotted.index)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill("0"), ...right].map((group) => parseInt(group, 16));
}

function embeddedIpv4(groups: number[], from: number): string {
  const high = groups[from]!;
  const low = groups[from + 1]!;
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

function ipv6Reason(address: string): string | null {
  const g = ipv6Groups(address);
  const zeros = (count: number) => g.slice(0, count).every((group) => group === 0);
  if (zeros(8)) return "unspecified";
  if (zeros(7) && g[7] === 1) return "loopback";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) reach the embedded IPv4 address.
  if (zeros(5) && (g[5] === 0xffff || g[5] === 0)) return ipv4Reason(embeddedIpv4(g, 6)) ?? (g[5] === 0 ? "IPv4-compatible" : null);
  // NAT64 (64:ff9b::/96) reaches the embedded address; 6to4 (2002::/16) carries one in groups 1–2.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((group) => group === 0)) return ipv4Reason(embeddedIpv4(g, 6));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return "local-use NAT64";
  if (g[0] === 0x2002) return ipv4Reason(embeddedIpv4(g, 1));
  if (g[0] === 0x2001 && g[1] === 0) return "Teredo";
  if (g[0] === 0x2001 && g[1] === 0xdb8) return "documentation";
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return "discard";
  if ((g[0]! & 0xfe00) === 0xfc00) return "unique local (private)";
  if ((g[0]! & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0]! & 0xffc0) === 0xfec0) return "site-local";
  if ((g[0]! & 0xff00) === 0xff00) return "multicast";
  return null;
}

/** Why a webhook may not be sent to this IP address, or null when it is a public unicast address. */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return ipv4Reason(bare);
  if (version === 6) return ipv6Reason(bare);
  return "not an IP address";
}

export type WebhookUrlCheck = { ok: true; url: URL; local: boolean } | { ok: false; reason: string };

/**
 * The checks that need no DNS: https only (http only for an allowed localhost), no credentials, no private names,
 * and an IP-literal host must be a public address. `local` marks an allowed localhost target, whose resolved
 * addresses are loopback by design.
 */
export function checkWebhookUrl(raw: string, policy: WebhookTargetPolicy): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a URL" };
  }
  if (url.username !== "" || url.password !== "") return { ok: false, reason: "must not contain credentials" };
  // WHATWG URL parsing already normalised the host: "0x7f.1" and "2130706433" read 127.0.0.1 here.
  const host = url.hostname.toLowerCase();
  const local = policy.allowLocalhost && LOCAL_HOSTS.has(host);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) return { ok: false, reason: "must use https" };
  if (local) return { ok: true, url, local: true };
  if (isIP(host) || (host.startsWith("[") && host.endsWith("]"))) {
    const reason = forbiddenAddressReason(host);
    if (reason) return { ok: false, reason: `must not point to a ${reason} address` };
    return { ok: true, url, local: false };
  }
  if (!host.includes(".") || PRIVATE_NAME.test(host.replace(/\.$/, ""))) return { ok: false, reason: "must be a public host name" };
  return { ok: true, url, local: false };
}

/** Localhost targets: on outside production, or with WEBHOOK_ALLOW_LOCALHOST=true (tests of a production build). */
export function webhookTargetPolicy(env: { NODE_ENV: string; WEBHOOK_ALLOW_LOCALHOST?: boolean }): WebhookTargetPolicy {
  return { allowLocalhost: env.WEBHOOK_ALLOW_LOCALHOST ?? env.NODE_ENV !== "production" };
}
