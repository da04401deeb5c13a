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
}

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
  fixture = {
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
