import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { APIRequestContext } from "@playwright/test";
import { createPublicClient, createWalletClient, http, zeroAddress, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { anvil } from "viem/chains";
import { projectRegistryAbi } from "../lib/chain/abi.generated";
import { demoDeviceKey } from "../lib/seed/demo-fleet";
import { checkApiAnswer } from "./api/assertions";
import { discoverApiRoutes } from "./api/routes";
import { apiClient } from "./api/sign-in";
import { ANVIL_RPC_URL, expect, test } from "./fixtures";
import { devAccount } from "./wallet";

/**
 * Authorization matrix: every API route × every role, one table row per
 * route and method. A route added under app/api fails "every route has a
 * row" until its row is written: one line saying what each role gets.
 *
 * Roles (anvil dev accounts no other spec signs in with):
 * - owner (3): holds the owner-scoped resources (a pairing for demo device 3);
 * - otherOwner (4): a signed-in wallet with resources of its own (a pairing for demo device 4);
 * - otherProjectAdmin (5): admin of a project created here, not of the demo project;
 * - admin (0): admin of the demo project the devices belong to.
 */

type Role = "anonymous" | "owner" | "otherOwner" | "otherProjectAdmin" | "admin";
const ROLES: readonly Role[] = ["anonymous", "owner", "otherOwner", "otherProjectAdmin", "admin"];
const ACCOUNTS: Record<Exclude<Role, "anonymous">, number> = { owner: 3, otherOwner: 4, otherProjectAdmin: 5, admin: 0 };

interface Fixture {
  ownerPairingId: string;
  /** Registered demo device with the owner's open pairing. */
  ownerDevice: Address;
  /** Registered demo device nobody is pairing. */
  idleDevice: Address;
  unknownDevice: Address;
  /** The demo project's database id (the one admin routes and reward policies take). */
  demoProjectId: number;
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
}

const everyone = (status: number): Record<Role, number> => ({ anonymous: status, owner: status, otherOwner: status, otherProjectAdmin: status, admin: status });
const signedIn = (status: number): Record<Role, number> => ({ ...everyone(status), anonymous: 401 });
/** Demo-project admin routes: only its admin (account 0) gets past the guard; signed-in non-members get 403. */
const demoAdmin = (status: number): Record<Role, number> => ({ ...signedIn(403), admin: status });
const admin = (f: Fixture, rest = "") => `/api/admin/projects/${f.demoProjectId}${rest}`;

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
  { method: "PATCH", route: "/api/market/listings/[id]", path: () => `/api/market/listings/${UNKNOWN_UUID}`, body: () => ({}), expect: signedIn(400) },
  { method: "GET", route: "/api/market/requests", path: () => "/api/market/requests", expect: everyone(200) },
  { method: "POST", route: "/api/market/requests", path: () => "/api/market/requests", body: () => ({}), expect: signedIn(400) },
  { method: "PATCH", route: "/api/market/requests/[id]", path: () => `/api/market/requests/${UNKNOWN_UUID}`, body: () => ({ status: "CLOSED" }), expect: signedIn(404) },
  { method: "GET", route: "/api/market/requests/[id]/offers", path: () => `/api/market/requests/${UNKNOWN_UUID}/offers`, expect: everyone(404) },
  { method: "GET", route: "/api/market/matches", path: () => "/api/market/matches", expect: signedIn(200) },
  { method: "GET", route: "/api/market/keys", path: () => "/api/market/keys", expect: signedIn(200) },
  // Someone else's key or order looks exactly like a missing one.
  { method: "DELETE", route: "/api/market/keys/[id]", path: () => `/api/market/keys/${UNKNOWN_UUID}`, expect: signedIn(404) },
  { method: "POST", route: "/api/market/orders/[orderId]/keys", path: () => `/api/market/orders/${UNKNOWN_NUMBER}/keys`, expect: signedIn(404) },
  // Local demo chain: 1,000 dUSD to the signed-in wallet (3 per account, then rate-limited).
  { method: "POST", route: "/api/market/faucet", path: () => "/api/market/faucet", expect: signedIn(201) },
  // Feed delivery: authenticated by the order's API key only; a session is not a key.
  { method: "GET", route: "/api/v1/feeds/[orderId]/readings", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/readings`, expect: everyone(401) },
  { method: "GET", route: "/api/v1/feeds/[orderId]/export", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/export`, expect: everyone(401) },
  { method: "GET", route: "/api/v1/feeds/[orderId]/stream", path: () => `/api/v1/feeds/${UNKNOWN_NUMBER}/stream`, expect: everyone(401) },
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

function deployedProjectRegistry(): Address {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir) throw new Error("E2E_DATA_DIR is set by playwright.config.ts");
  const file = JSON.parse(readFileSync(join(dataDir, "deployments.json"), "utf8")) as Record<string, { contracts: { ProjectRegistry: Address } }>;
  const entry = file[String(anvil.id)];
  if (!entry) throw new Error("no local deployment");
  return entry.contracts.ProjectRegistry;
}

/** Makes account 5 the admin of a project of its own (once per chain). */
async function ensureOtherProject(): Promise<void> {
  const admin = devAccount(ACCOUNTS.otherProjectAdmin);
  const publicClient = createPublicClient({ chain: anvil, transport: http(ANVIL_RPC_URL) });
  const wallet = createWalletClient({ account: admin, chain: anvil, transport: http(ANVIL_RPC_URL) });
  const { request } = await publicClient.simulateContract({
    account: admin,
    address: deployedProjectRegistry(),
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Authz Other Project", "", zeroAddress],
  });
  await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
}

test.describe.configure({ mode: "serial" });

let clients: Record<Role, APIRequestContext>;
let fixture: Fixture;

test.beforeAll(async ({ baseURL }) => {
  await ensureOtherProject();
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
  fixture = {
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
    for (const role of ROLES) {
      const body = row.body?.(fixture);
      const response = await clients[role].fetch(row.path(fixture), { method: row.method, data: body, failOnStatusCode: false });
      const verdict = await checkApiAnswer(response);
      if (response.status() !== row.expect[role] || verdict.problem) {
        failures.push(`${row.method} ${row.route} as ${role}: expected ${row.expect[role]}, got ${verdict.status}${verdict.problem ? ` (${verdict.problem})` : ""} ${verdict.body}`);
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
