import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { guardedLookup, guardedWebhookFetch, resolvedAddressRefusal } from "./webhook-fetch";
import { checkWebhookUrl, forbiddenAddressReason, webhookTargetPolicy } from "./webhook-url";

const production = { allowLocalhost: false };
const development = { allowLocalhost: true };

describe("webhook target addresses", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.0.9", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["100.64.0.1", "carrier-grade NAT"],
    ["100.100.100.200", "carrier-grade NAT"],
    ["0.0.0.0", "this network"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "reserved"],
    ["::1", "loopback"],
    ["::", "unspecified"],
    ["fe80::1", "link-local"],
    ["fd00:ec2::254", "unique local (private)"],
    ["fc00::1", "unique local (private)"],
    ["ff02::1", "multicast"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local (cloud metadata)"],
    ["64:ff9b::10.0.0.1", "private"],
    ["2002:c0a8:0101::1", "private"],
    ["2001:db8::1", "documentation"],
    ["2001:0:4136:e378::1", "Teredo"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each(["93.184.215.14", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:0808:0808::1"])("accepts the public address %s", (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });
});

describe("webhook URLs at save time", () => {
  it("takes a public https URL", () => {
    expect(checkWebhookUrl("https://hooks.example.com/depin", production)).toMatchObject({ ok: true, local: false });
    expect(checkWebhookUrl("https://93.184.215.14/hook", production)).toMatchObject({ ok: true });
  });

  it.each([
    ["http://hooks.example.com/x", "must use https"],
    ["ftp://hooks.example.com/x", "must use https"],
    ["https://user:pw@hooks.example.com/x", "must not contain credentials"],
    ["https://127.0.0.1/x", "must not point to a loopback address"],
    // WHATWG parsing normalises these spellings of 127.0.0.1 and 169.254.169.254 before the check sees them.
    ["https://2130706433/x", "must not point to a loopback address"],
    ["https://0x7f.1/x", "must not point to a loopback address"],
    ["https://0251.0376.0251.0376/latest/meta-data", "must not point to a link-local (cloud metadata) address"],
    ["https://[::ffff:169.254.169.254]/x", "must not point to a link-local (cloud metadata) address"],
    ["https://[fe80::1]/x", "must not point to a link-local address"],
    ["https://localhost/x", "must be a public host name"],
    ["https://metadata.google.internal/x", "must be a public host name"],
    ["https://printer.local/x", "must be a public host name"],
    ["https://intranet/x", "must be a public host name"],
    ["not a url", "is not a URL"],
  ])("refuses %s in production: %s", (url, reason) => {
    expect(checkWebhookUrl(url, production)).toEqual({ ok: false, reason });
  });

  it("allows http://localhost only when local targets are allowed", () => {
    for (const url of ["http://localhost:4000/hook", "http://127.0.0.1:4000/hook", "http://[::1]:4000/hook"]) {
      expect(checkWebhookUrl(url, development)).toMatchObject({ ok: true, local: true });
      expect(checkWebhookUrl(url, production).ok).toBe(false);
    }
    // Only loopback by those names: other private addresses stay refused in development too.
    expect(checkWebhookUrl("http://10.0.0.5/hook", development)).toEqual({ ok: false, reason: "must use https" });
    expect(checkWebhookUrl("https://10.0.0.5/hook", development)).toEqual({ ok: false, reason: "must not point to a private address" });
  });

  it("allows localhost outside production, or by the explicit flag", () => {
    expect(webhookTargetPolicy({ NODE_ENV: "production" })).toEqual({ allowLocalhost: false });
    expect(webhookTargetPolicy({ NODE_ENV: "production", WEBHOOK_ALLOW_LOCALHOST: true })).toEqual({ allowLocalhost: true });
    expect(webhookTargetPolicy({ NODE_ENV: "development" })).toEqual({ allowLocalhost: true });
    expect(webhookTargetPolicy({ NODE_ENV: "test", WEBHOOK_ALLOW_LOCALHOST: false })).toEqual({ allowLocalhost: false });
  });
});

describe("webhook targets after DNS resolution (rebinding)", () => {
  const resolvingTo = (...addresses: string[]) => (_host: string, callback: (error: Error | null, found: { address: string; family: number }[]) => void) =>
    callback(null, addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 })));
  const lookupWith = (lookup: ReturnType<typeof guardedLookup>, options: { all?: boolean; family?: number } = {}) =>
    new Promise<{ error: Error | null; result: unknown }>((resolve) => lookup("hooks.example.com", options as never, (error: Error | null, result: unknown) => resolve({ error, result })));

  it("connects to a public address, in either lookup form Node asks for", async () => {
    expect(await lookupWith(guardedLookup(false, resolvingTo("93.184.215.14")))).toEqual({ error: null, result: "93.184.215.14" });
    expect((await lookupWith(guardedLookup(false, resolvingTo("93.184.215.14", "2606:4700::1")), { all: true })).result).toHaveLength(2);
  });

  it("refuses a name that now resolves to a private or metadata address, even next to a public one", async () => {
    for (const addresses of [["169.254.169.254"], ["93.184.215.14", "10.0.0.1"], ["::1"]]) {
      const { error } = await lookupWith(guardedLookup(false, resolvingTo(...addresses)));
      expect(error?.name).toBe("WebhookTargetRefused");
    }
    // An allowed localhost may resolve to loopback, and to nothing else private.
    expect((await lookupWith(guardedLookup(true, resolvingTo("127.0.0.1")))).error).toBeNull();
    expect((await lookupWith(guardedLookup(true, resolvingTo("10.0.0.1")))).error?.name).toBe("WebhookTargetRefused");
  });

  it("tells the admin at save time when the name already resolves to a private address", async () => {
    expect(await resolvedAddressRefusal("https://hooks.example.com/x", production, resolvingTo("192.168.0.10"))).toBe("resolves to a private address (192.168.0.10)");
    expect(await resolvedAddressRefusal("https://hooks.example.com/x", production, resolvingTo("93.184.215.14"))).toBeNull();
    expect(await resolvedAddressRefusal("https://hooks.example.com/x", production, (_h, cb) => cb(new Error("ENOTFOUND"), []))).toBeNull();
  });
});

describe("webhook sends", () => {
  it("posts to an allowed localhost target and refuses the same URL under the production rules without connecting", async () => {
    let received = "";
    let connections = 0;
    const server = createServer((request, response) => {
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (received += chunk));
      request.on("end", () => response.writeHead(503).end());
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://localhost:${(server.address() as AddressInfo).port}/hook`;
      const response = await guardedWebhookFetch(development)(url, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"a":1}' });
      expect(response.status).toBe(503);
      expect(received).toBe('{"a":1}');
      await expect(guardedWebhookFetch(production)(url, { method: "POST", body: "{}" })).rejects.toThrow("must use https");
      // A public-looking name that resolves to loopback at send time is refused in the socket's lookup.
      const rebound = guardedWebhookFetch(production, (_host, callback) => callback(null, [{ address: "127.0.0.1", family: 4 }]));
      await expect(rebound(`https://hooks.example.com:${(server.address() as AddressInfo).port}/hook`, { method: "POST", body: "{}" })).rejects.toThrow("resolves to a loopback address");
      expect(connections).toBe(1);
    } finally {
      server.close();
    }
  });
});
