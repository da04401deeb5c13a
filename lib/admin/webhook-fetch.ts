import "server-only";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { checkWebhookUrl, forbiddenAddressReason, type WebhookTargetPolicy } from "./webhook-url";

export class WebhookTargetRefused extends Error {
  override name = "WebhookTargetRefused";
}

type Resolve = (hostname: string, callback: (error: Error | null, addresses: LookupAddress[]) => void) => void;
const systemResolve: Resolve = (hostname, callback) => dnsLookup(hostname, { all: true, verbatim: true }, callback);

/**
 * A DNS lookup for the socket that refuses the whole name when any address it resolves to is not public. It runs
 * inside the connection itself, so the address checked is the address connected to: a name re-pointed between
 * the save-time check and the send (DNS rebinding) is refused, not followed.
 */
export function guardedLookup(allowLoopback: boolean, resolve: Resolve = systemResolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const refused = addresses.map((entry) => ({ entry, reason: forbiddenAddressReason(entry.address) })).find(({ reason }) => reason && !(allowLoopback && reason === "loopback"));
      if (refused) return callback(new WebhookTargetRefused(`${hostname} resolves to a ${refused.reason} address`), "", 0);
      const usable = addresses.filter((entry) => !options.family || entry.family === options.family);
      if (usable.length === 0) return callback(new WebhookTargetRefused(`${hostname} has no usable address`), "", 0);
      // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily), else for one.
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, usable);
      callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/**
 * Save-time check of what the URL's host resolves to now (the send-time check is the one that protects; this one
 * tells the admin early). A name that does not resolve yet is accepted: deliveries retry, and refuse it if it
 * later resolves to a private address. Null when acceptable, else why not.
 */
export async function resolvedAddressRefusal(url: string, policy: WebhookTargetPolicy, resolve: Resolve = systemResolve, timeoutMs = 2_000): Promise<string | null> {
  const checked = checkWebhookUrl(url, policy);
  if (!checked.ok) return checked.reason;
  const host = checked.url.hostname;
  if (checked.local || isIP(host) || host.startsWith("[")) return null;
  const addresses = await new Promise<LookupAddress[]>((done) => {
    const timer = setTimeout(() => done([]), timeoutMs);
    resolve(host, (error, found) => {
      clearTimeout(timer);
      done(error ? [] : found);
    });
  });
  for (const { address } of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason) return `resolves to a ${reason} address (${address})`;
  }
  return null;
}

/**
 * The fetch deliverWebhooks sends with: the URL rules again (settings may predate them), then a request whose
 * socket only connects to public addresses. Redirects are not followed (a 3xx is a failed delivery).
 */
export function guardedWebhookFetch(policy: WebhookTargetPolicy, resolve?: Resolve) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const checked = checkWebhookUrl(url, policy);
    if (!checked.ok) throw new WebhookTargetRefused(`webhook URL ${checked.reason}`);
    const options: RequestOptions = {
      method: init.method ?? "POST",
      headers: init.headers as Record<string, string>,
      lookup: guardedLookup(checked.local, resolve),
      signal: init.signal ?? undefined,
    };
    const send = checked.url.protocol === "https:" ? httpsRequest : httpRequest;
    const status = await new Promise<number>((resolvePromise, reject) => {
      const request = send(checked.url, options, (response) => {
        response.resume(); // the body is not used; drain it so the socket is freed
        response.on("end", () => resolvePromise(response.statusCode ?? 0));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(typeof init.body === "string" ? init.body : undefined);
    });
    return new Response(null, { status: status >= 200 && status <= 599 ? status : 502 });
  };
}
