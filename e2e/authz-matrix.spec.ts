import type { APIRequestContext } from "@playwright/test";
import { keccak256, stringToBytes, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { feedOrderTerms } from "../lib/market/order-terms";
import { demoDeviceKey } from "../lib/seed/demo-fleet";
import { checkApiAnswer } from "./api/assertions";
import { discoverApiRoutes } from "./api/routes";
import { apiClient } from "./api/sign-in";
import { expect, test } from "./fixtures";
import { issueKeyOnceIndexed, ownDevices, placeOrder, publicClient } from "./market-setup";
import { devAccount } from "./wallet";

/**
 * Authorization matrix: every API route × every role, one table row per
 * route and method. A route added under app/api fails "every route has a
 * row" until its row is written: one line saying what each role gets.
 *
 * Roles (anvil dev accounts no other spec signs in with):
 * - owner (3): holds the owner-scoped resources (a pairing for demo device 3, a feed listing of a device it owns, a
 *   market request);
 * - otherOwner (4): a signed-in wallet with resources of its own (a pairing for demo device 4);
 * - otherProjectAdmin (5): admin of a project created here, not of the demo project; the owner's listed device is
 *   registered in it, so being the device's project admin is shown to give no say over the owner's listing;
 * - admin (0): admin of the demo project the paired devices belong to;
 * - buyer (6): an on-chain order for the owner's feed, indexed by the stack's worker, and API keys for it.
 *
 * Rows name real resources of the owner and the buyer, so another role's 403/404 there shows isolation, not absence.
 * The buyer is the last column: a row where the buyer deletes its key runs after the others tried to.
 */

type Role = "anonymous" | "owner" | "otherOwner" | "otherProjectAdmin" | "admin" | "buyer";
const ROLES: readonly Role[] = ["anonymous", "owner", "otherOwner", "otherProjectAdmin", "admin", "buyer"];
const ACCOUNTS: Record<Exclude<Role, "anonymous">, number> = { owner: 3, otherOwner: 4, otherProjectAdmin: 5, admin: 0, buyer: 6 };

interface Fixture {
  ownerPairingId: string;
  /** Registered demo device with the owner's open pairing. */
  ownerDevice: Address;
  /** Registered demo device nobody is pairing. */
  idleDevice: Address;
  unknownDevice: Address;
  /** The demo project's database id (the one admin routes and reward policies take). */
  demoProjectId: number;
  /** The owner's active feed listing. */
  ownerListingId: string;
  /** The buyer's order for that feed. */
  buyerOrderId: string;
  /** The owner's open market request (over a cell no device reports from, so it puts no device in demand). */
  ownerRequestId: string;
  /** The buyer's API key for its order (the secret), and its id. */
  buyerKey: string;
  buyerKeyId: string;
  /** A second key of the buyer's, for the row that deletes it. */
  revocableKeyId: string;
  revocableKey: string;
  /** Strings only that role may ever receive: no answer to another role may contain them. */
  secrets: Partial<Record<Role, string[]>>;
}

// Ids that name nothing: routes must answer "not found" (or refuse first), never 5xx.
const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";
const UNKNOWN_NUMBER = "999999";
// A real H3 res-7 cell (Berlin) no device reports from.
const EMPTY_CELL = "871f1d489ffffff";

interface Row {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** The route template as on disk, e.g. /api/devices/[address]. */
  route: string;
  path: (f: Fixture) => string;
  body?: (f: Fixture) => unknown;
  /** Status each role gets. */
  expect: Record<Role, number>;
  /** Headers a role sends besides its session cookie (the buyer's API key on feed routes). */
  headers?: (f: Fixture) => Partial<Record<Role, Record<string, string>>>;
  /** Text a role's answer must contain (its own resource), so an empty 200 does not pass for "sees its own". */
  shows?: (f: Fixture) => Partial<Record<Role, string>>;
}

const everyone = (status: number): Record<Role, number> => ({ anonymous: status, owner: status, otherOwner: status, otherProjectAdmin: status, admin: status, buyer: status });
const signedIn = (status: number): Record<Role, number> => ({ ...everyone(status), anonymous: 401 });
/** Demo-project admin routes: only its admin (account 0) gets past the guard; signed-in non-members get 403. */
const demoAdmin = (status: number): Record<Role, number> => ({ ...signedIn(403), admin: status });
const admin = (f: Fixture, rest = "") => `/api/admin/projects/${f.demoProjectId}${rest}`;
const withKey = (key: string) => ({ buyer: { Authorization: `Bearer ${key}` } });

// One line per route and method. Rows run in order; logout ends each session, so it is last.
const MATRIX: Row[] = [
  { method: "GET", route: "/api/health", path: () => "/api/health", expect: everyone(200) },
  { method: "GET", route: "/api/auth/session", path: () => "/api/auth/session", expect: everyone(200) },
  { method: "GET", route: "/api/auth/nonce", path: () => "/api/auth/nonce", expect: everyone(200) },
  { method: "POST", route: "/api/auth/verify", path: () => "/api/auth/verify", body: () => ({}), expect: everyone(400) },
  { method: "GET", route: "/api/devices/[address]", path: (f) => `/api/devices/${f.ownerDevice}`, expect: everyone(200) },
  { method: "POST", route: "/api/devices/pairings", path: () => "/api/devices/pairings", body: (f) => ({ device: f.unknownDevice }), expect: signedIn(404) },
  // The owner's pairing: everyone else gets the same 404 as for a missing id (no existence leak).
  { method: "GET", route: "/api/devices/pairings/[id]", path: (f) => `/api/devices/pairings/${f.ownerPairingId}`, expect: { ...signedIn(404), owner: 200 } },
  { method: "POST", route: "/api/devices/demo-button", path: () => "/api/devices/demo-button", body: (f) => ({ device: f.idleDevice }), expect: signedIn(409) },
  // Device side: authenticated by the device's signature, not by a session; the same for every role.
  { method: "GET", route: "/api/v1/devices/[address]/pairing", path: (f) => `/api/v1/devices/${f.ownerDevice}/pairing`, expect: everyone(200) },
  {
    method: "POST",
    route: "/api/v1/devices/[address]/pairing",
    path: (f) => `/api/v1/devices/${f.ownerDevice}/pairing`,
    body: (f) => ({ pairingId: f.ownerPairingId, signature: `0x${"11".repeat(65)}` }),
    expect: everyone(400),
  },
  { method: "POST", route: "/api/v1/telemetry", path: () => "/api/v1/telemetry", body: () => ({ messages: [] }), expect: everyone(400) },
  { method: "GET", route: "/api/devices/[address]/series", path: (f) => `/api/devices/${f.ownerDevice}/series`, expect: everyone(200) },
  { method: "GET", route: "/api/devices/[address]/track", path: (f) => `/api/devices/${f.ownerDevice}/track`, expect: everyone(200) },
  // Project admin: the wallet's own projects for anyone signed in; the demo project's routes for its admin only.
  { method: "GET", route: "/api/admin/projects", path: () => "/api/admin/projects", expect: signedIn(200) },
  { method: "GET", route: "/api/admin/projects/[id]", path: (f) => admin(f), expect: demoAdmin(200) },
  { method: "GET", route: "/api/admin/projects/[id]/devices", path: (f) => admin(f, "/devices"), expect: demoAdmin(200) },
  { method: "GET", route: "/api/admin/projects/[id]/devices/export", path: (f) => admin(f, "/devices/export"), expect: demoAdmin(200) },
  { method: "POST", route: "/api/admin/projects/[id]/devices/lookup", path: (f) => admin(f, "/devices/lookup"), body: () => ({}), expect: demoAdmin(400) },
  { method: "PUT", route: "/api/admin/projects/[id]/devices/metadata", path: (f) => admin(f, "/devices/metadata"), body: () => ({}), expect: demoAdmin(400) },
  { method: "GET", route: "/api/admin/projects/[id]/health", path: (f) => admin(f, "/health"), expect: demoAdmin(200) },
  { method: "GET", route: "/api/admin/projects/[id]/audit", path: (f) => admin(f, "/audit"), expect: demoAdmin(200) },
  { method: "POST", route: "/api/admin/projects/[id]/audit", path: (f) => admin(f, "/audit"), body: () => ({}), expect: demoAdmin(400) },
  { method: "GET", route: "/api/admin/projects/[id]/alerts", path: (f) => admin(f, "/alerts"), expect: demoAdmin(200) },
  { method: "GET", route: "/api/admin/projects/[id]/alerts/settings", path: (f) => admin(f, "/alerts/settings"), expect: demoAdmin(200) },
  { method: "PUT", route: "/api/admin/projects/[id]/alerts/settings", path: (f) => admin(f, "/alerts/settings"), body: () => ({}), expect: demoAdmin(400) },
  { method: "POST", route: "/api/admin/projects/[id]/alerts/[alertId]", path: (f) => admin(f, `/alerts/${UNKNOWN_NUMBER}`), expect: demoAdmin(404) },
  { method: "POST", route: "/api/admin/projects/[id]/rewards/preview", path: (f) => admin(f, "/rewards/preview"), body: () => ({}), expect: demoAdmin(400) },
  { method: "GET", route: "/api/admin/projects/[id]/rewards/epochs", path: (f) => admin(f, "/rewards/epochs"), expect: demoAdmin(200) },
  { method: "POST", route: "/api/admin/projects/[id]/rewards/epochs/[epochId]/rerun", path: (f) => admin(f, `/rewards/epochs/${UNKNOWN_NUMBER}/rerun`), expect: demoAdmin(404) },
  // Map: public reads (private fields depend on the session, not the status); "mine" needs a session.
  { method: "GET", route: "/api/map/style", path: () => "/api/map/style", expect: everyone(200) },
  { method: "GET", route: "/api/map/viewport", path: () => "/api/map/viewport?west=-10&south=-10&east=10&north=10&zoom=3", expect: everyone(200) },
  { method: "GET", route: "/api/map/detail", path: () => `/api/map/detail?cell=${EMPTY_CELL}`, expect: everyone(200) },
  { method: "GET", route: "/api/map/demand", path: () => "/api/map/demand", expect: everyone(200) },
  // An event stream that runs for minutes when the box is valid: without one it must refuse at once, for everyone.
  { method: "GET", route: "/api/map/live", path: () => "/api/map/live", expect: everyone(400) },
  { method: "GET", route: "/api/map/mine", path: () => "/api/map/mine", expect: signedIn(200) },
  // Marketplace: public browsing; writes by signed-in wallets, validated after the session check.
  { method: "GET", route: "/api/market/listings", path: () => "/api/market/listings", expect: everyone(200) },
  { method: "POST", route: "/api/market/listings", path: () => "/api/market/listings", body: () => ({}), expect: signedIn(400) },
  { method: "GET", route: "/api/market/listings/[id]", path: () => `/api/market/listings/${UNKNOWN_UUID}`, expect: everyone(404) },
  { method: "GET", route: "/api/market/listings/[id]", path: (f) => `/api/market/listings/${f.ownerListingId}`, expect: everyone(200) },
  { method: "PATCH", route: "/api/market/listings/[id]", path: () => `/api/market/listings/${UNKNOWN_UUID}`, body: () => ({}), expect: signedIn(400) },
  // Only the seller changes its listing; to anyone else it looks missing. ACTIVE keeps it open for the order.
  { method: "PATCH", route: "/api/market/listings/[id]", path: (f) => `/api/market/listings/${f.ownerListingId}`, body: () => ({ status: "ACTIVE" }), expect: { ...signedIn(404), owner: 200 } },
  { method: "GET", route: "/api/market/requests", path: () => "/api/market/requests", expect: everyone(200) },
  { method: "POST", route: "/api/market/requests", path: () => "/api/market/requests", body: () => ({}), expect: signedIn(400) },
  { method: "PATCH", route: "/api/market/requests/[id]", path: () => `/api/market/requests/${UNKNOWN_UUID}`, body: () => ({ status: "CLOSED" }), expect: signedIn(404) },
  // Only its author closes a request; to anyone else it looks missing (closing is checked for ownership before state).
  { method: "PATCH", route: "/api/market/requests/[id]", path: (f) => `/api/market/requests/${f.ownerRequestId}`, body: () => ({ status: "CLOSED" }), expect: { ...signedIn(404), owner: 200 } },
  { method: "GET", route: "/api/market/requests/[id]/offers", path: () => `/api/market/requests/${UNKNOWN_UUID}/offers`, expect: everyone(404) },
  { method: "GET", route: "/api/market/requests/[id]/offers", path: (f) => `/api/market/requests/${f.ownerRequestId}/offers`, expect: everyone(200) },
  { method: "GET", route: "/api/market/matches", path: () => "/api/market/matches", expect: signedIn(200) },
  // Everyone's own keys: the buyer's list has its key; the secrets check keeps it out of everyone else's.
  { method: "GET", route: "/api/market/keys", path: () => "/api/market/keys", expect: signedIn(200), shows: (f) => ({ buyer: f.buyerKeyId }) },
  // Someone else's key or order looks exactly like a missing one.
  { method: "DELETE", route: "/api/market/keys/[id]", path: () => `/api/market/keys/${UNKNOWN_UUID}`, expect: signedIn(404) },
  { method: "DELETE", route: "/api/market/keys/[id]", path: (f) => `/api/market/keys/${f.revocableKeyId}`, expect: { ...signedIn(404), buyer: 204 } },
  { method: "POST", route: "/api/market/orders/[orderId]/keys", path: () => `/api/market/orders/${UNKNOWN_NUMBER}/keys`, expect: signedIn(404) },
  { method: "POST", route: "/api/market/orders/[orderId]/keys", path: (f) => `/api/market/orders/${f.buyerOrderId}/keys`, expect: { ...signedIn(404), buyer: 201 } },
  // Local demo chain: 1,000 dUSD to the signed-in wallet (3 per account, then rate-limited).
  { method: "POST", route: "/api/market/faucet", path: () => "/api/market/faucet", expect: signedIn(201) },
  // Feed delivery: authenticated by the order's API key only; a session is not a key, and a key opens its own order only.
  { method: "GET", route: "/api/v1/feeds/[orderId]/readings", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/readings`, headers: (f) => withKey(f.buyerKey), expect: { ...everyone(401), buyer: 403 } },
  { method: "GET", route: "/api/v1/feeds/[orderId]/readings", path: (f) => `/api/v1/feeds/${f.buyerOrderId}/readings`, headers: (f) => withKey(f.buyerKey), expect: { ...everyone(401), buyer: 200 } },
  { method: "GET", route: "/api/v1/feeds/[orderId]/export", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/export`, expect: everyone(401) },
  { method: "GET", route: "/api/v1/feeds/[orderId]/export", path: (f) => `/api/v1/feeds/${f.buyerOrderId}/export`, headers: (f) => withKey(f.buyerKey), expect: { ...everyone(401), buyer: 200 } },
  { method: "GET", route: "/api/v1/feeds/[orderId]/stream", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/stream`, expect: everyone(401) },
  // A live key would hold a stream open for minutes; the key the buyer deleted above must not open it.
  { method: "GET", route: "/api/v1/feeds/[orderId]/stream", path: (f) => `/api/v1/feeds/${f.buyerOrderId}/stream`, headers: (f) => withKey(f.revocableKey), expect: everyone(401) },
  { method: "GET", route: "/api/v1/openapi.json", path: () => "/api/v1/openapi.json", expect: everyone(200) },
  // Rewards: public proofs and policies; earnings and claims are the signed-in owner's own.
  { method: "GET", route: "/api/projects/[id]/reward-policies", path: (f) => `/api/projects/${f.demoProjectId}/reward-policies`, expect: everyone(200) },
  // Publishing a policy decides what every device earns: the project's admin only (validated after the guard).
  { method: "POST", route: "/api/projects/[id]/reward-policies", path: (f) => `/api/projects/${f.demoProjectId}/reward-policies`, body: () => ({}), expect: demoAdmin(400) },
  { method: "GET", route: "/api/rewards/epochs", path: () => "/api/rewards/epochs", expect: everyone(200) },
  { method: "GET", route: "/api/rewards/epochs/[id]", path: () => `/api/rewards/epochs/${UNKNOWN_NUMBER}`, expect: everyone(404) },
  { method: "GET", route: "/api/rewards/epochs/[id]/inputs", path: () => `/api/rewards/epochs/${UNKNOWN_NUMBER}/inputs`, expect: everyone(404) },
  { method: "GET", route: "/api/rewards/epochs/[id]/devices/[address]", path: (f) => `/api/rewards/epochs/${UNKNOWN_NUMBER}/devices/${f.ownerDevice}`, expect: everyone(404) },
  { method: "GET", route: "/api/rewards/earnings", path: () => "/api/rewards/earnings", expect: signedIn(200) },
  { method: "GET", route: "/api/rewards/earnings/csv", path: () => "/api/rewards/earnings/csv", expect: signedIn(200) },
  { method: "GET", route: "/api/rewards/claims", path: () => "/api/rewards/claims", expect: signedIn(200) },
  { method: "POST", route: "/api/auth/logout", path: () => "/api/auth/logout", expect: everyone(204) },
];

// Unique per run (fresh chain and database each run), the same for a retried beforeAll in the same run.
const runSeed = process.env.E2E_DATA_DIR ?? "adhoc";
const listedDeviceKey = keccak256(stringToBytes(`e2e-authz:listed-device:${runSeed}`));
const FEED_PRICE_PER_MONTH = 30_000_000n;

/**
 * The owner's feed listing over a device of its own (registered in account 5's project), the buyer's order for it
 * placed on-chain as its wallet would (its keys issued once the stack's indexer has the order), and an owner's request.
 */
async function marketResources(baseURL: string): Promise<Pick<Fixture, "ownerListingId" | "buyerOrderId" | "ownerRequestId" | "buyerKey" | "buyerKeyId" | "revocableKeyId" | "revocableKey">> {
  const owner = devAccount(ACCOUNTS.owner).address;
  const listedDevice = privateKeyToAccount(listedDeviceKey).address;
  await ownDevices(baseURL, { adminIndex: ACCOUNTS.otherProjectAdmin, owner, deviceKeys: [listedDeviceKey], projectName: "Authz Other Project" });
  const listing = await clients.owner.post("/api/market/listings", {
    data: { kind: "FEED", title: "Authz matrix PM2.5", price: FEED_PRICE_PER_MONTH.toString(), devices: [listedDevice], metrics: ["pm25"], cells: [EMPTY_CELL] },
  });
  expect(listing.status(), await listing.text()).toBe(201);
  const { id: ownerListingId, onchainId } = (await listing.json()) as { id: string; onchainId: Hex };
  const terms = feedOrderTerms(FEED_PRICE_PER_MONTH, 1, (await publicClient.getBlock()).timestamp);
  const orderId = await placeOrder(clients.buyer, ACCOUNTS.buyer, { seller: owner, listingOnchainId: onchainId, terms });
  const { id: buyerKeyId, key: buyerKey } = await issueKeyOnceIndexed(clients.buyer, orderId);
  const revocable = await clients.buyer.post(`/api/market/orders/${orderId}/keys`);
  expect(revocable.status(), await revocable.text()).toBe(201);
  const { id: revocableKeyId, key: revocableKey } = (await revocable.json()) as { id: string; key: string };
  // The owner's, not the buyer's: the buyer's market write budget (10, one more every 5 s) goes to the matrix's rows.
  const request = await clients.owner.post("/api/market/requests", {
    data: { title: "Authz matrix PM2.5 wanted", metric: "pm25", cells: [EMPTY_CELL], deviceCount: 1, durationDays: 1, budget: "1000000", expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
  });
  expect(request.status(), await request.text()).toBe(201);
  const ownerRequestId = ((await request.json()) as { id: string }).id;
  return { ownerListingId, buyerOrderId: orderId.toString(), ownerRequestId, buyerKey, buyerKeyId, revocableKeyId, revocableKey };
}

test.describe.configure({ mode: "serial" });

let clients: Record<Role, APIRequestContext>;
let fixture: Fixture;

test.beforeAll(async ({ baseURL }) => {
  // Claiming a device, an on-chain order and waiting for the indexer.
  test.setTimeout(180_000);
  clients = Object.fromEntries(
    await Promise.all(ROLES.map(async (role, i) => [role, await apiClient(baseURL!, `203.0.113.${10 + i}`, role === "anonymous" ? undefined : ACCOUNTS[role])])),
  ) as Record<Role, APIRequestContext>;
  const ownerDevice = privateKeyToAccount(demoDeviceKey(3)).address;
  const pairing = await clients.owner.post("/api/devices/pairings", { data: { device: ownerDevice } });
  expect(pairing.status(), await pairing.text()).toBe(201);
  // The other owner has a resource of its own, so "not found" for them is not "they have nothing".
  const other = await clients.otherOwner.post("/api/devices/pairings", { data: { device: privateKeyToAccount(demoDeviceKey(4)).address } });
  expect(other.status(), await other.text()).toBe(201);
  const projects = await clients.admin.get("/api/admin/projects");
  expect(projects.status(), await projects.text()).toBe(200);
  const demo = ((await projects.json()) as { projects: Array<{ id: number; slug: string }> }).projects.find((project) => project.slug === "demo");
  if (!demo) throw new Error("account 0 administers no project with the demo slug");
  const market = await marketResources(baseURL!);
  fixture = {
    ...market,
    // The API-key listing shows a key's id and its first 12 characters.
    secrets: { buyer: [market.buyerKey, market.buyerKeyId, market.buyerKey.slice(0, 12), market.revocableKey, market.revocableKeyId, market.revocableKey.slice(0, 12)] },
    demoProjectId: demo.id,
    ownerPairingId: ((await pairing.json()) as { id: string }).id,
    ownerDevice,
    idleDevice: privateKeyToAccount(demoDeviceKey(2)).address,
    unknownDevice: privateKeyToAccount(`0x${"5e".repeat(32)}`).address,
  };
});

test.afterAll(async () => {
  await Promise.all(Object.values(clients ?? {}).map((client) => client.dispose()));
});

test("every API route and method has a row in the matrix", () => {
  const rows = new Set(MATRIX.map((row) => `${row.method} ${row.route}`));
  const missing = discoverApiRoutes()
    .flatMap((route) => route.methods.filter((m) => m !== "HEAD").map((method) => `${method} ${route.template}`))
    .filter((key) => !rows.has(key));
  expect(missing, "add a row to MATRIX in e2e/authz-matrix.spec.ts for each").toEqual([]);
});

test("every route answers every role as the matrix says", async () => {
  const failures: string[] = [];
  for (const row of MATRIX) {
    const path = row.path(fixture);
    for (const role of ROLES) {
      const body = row.body?.(fixture);
      const headers = row.headers?.(fixture)[role];
      const response = await clients[role].fetch(path, { method: row.method, data: body, headers, failOnStatusCode: false });
      const verdict = await checkApiAnswer(response);
      const where = `${row.method} ${path} as ${role}`;
      if (response.status() !== row.expect[role] || verdict.problem) {
        failures.push(`${where}: expected ${row.expect[role]}, got ${verdict.status}${verdict.problem ? ` (${verdict.problem})` : ""} ${verdict.body}`);
      }
      const text = (await response.body()).toString("utf8");
      const shown = row.shows?.(fixture)[role];
      if (shown && !text.includes(shown)) failures.push(`${where}: the answer lacks the role's own ${shown}`);
      for (const [owner, secrets] of Object.entries(fixture.secrets)) {
        if (owner !== role && secrets.some((secret) => text.includes(secret))) failures.push(`${where}: the answer contains ${owner}'s private data`);
      }
    }
  }
  expect(failures).toEqual([]);
});

test("the owner's pairing is readable by the owner only, and its contents never reach another role", async () => {
  // Re-sign the owner in: the matrix's last row logged everyone out.
  const owner = await apiClient(test.info().project.use.baseURL!, "203.0.113.30", ACCOUNTS.owner);
  try {
    const own = await owner.get(`/api/devices/pairings/${fixture.ownerPairingId}`);
    expect(own.status()).toBe(200);
    expect(((await own.json()) as { id: string }).id).toBe(fixture.ownerPairingId);
  } finally {
    await owner.dispose();
  }
});
