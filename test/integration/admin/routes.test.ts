import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { sessionIdFromToken } from "@/lib/auth/tokens";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";

// Route handlers read the session cookie through next/headers; outside Next there is no request
// scope, so the test supplies the cookie jar. Everything behind it (sessions, projects) is real.
const cookieJar = new Map<string, string>();
vi.mock("next/headers", () => ({
  cookies: async () => ({ get: (name: string) => (cookieJar.has(name) ? { name, value: cookieJar.get(name) } : undefined) }),
}));

let db: PrismaClient;
const wallet = () => privateKeyToAccount(generatePrivateKey()).address;
const admin = wallet();
const operator = wallet();
const stranger = wallet();
const device = wallet();
let projectId: number;
let otherProjectId: number;
const tokens: Record<string, string> = {};

type Role = "anonymous" | "stranger" | "operator" | "admin";

async function signIn(role: Role): Promise<void> {
  cookieJar.clear();
  if (role !== "anonymous") cookieJar.set("depinhub_session", tokens[role]!);
}

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  db = createDbClient(inject("databaseUrl"));
  const suffix = Date.now();
  const project = await db.project.create({
    data: { chainId: 31337, onchainId: BigInt(900_000 + (suffix % 100_000)), slug: `admin-routes-${suffix}`, name: "Admin Fleet", adminAddress: admin, operators: { create: [{ address: operator }] } },
  });
  projectId = project.id;
  // The stranger administers a project of their own: access is per project, not "is an admin somewhere".
  const other = await db.project.create({ data: { chainId: 31337, onchainId: BigInt(800_000 + (suffix % 100_000)), slug: `admin-routes-other-${suffix}`, name: "Other Fleet", adminAddress: stranger } });
  otherProjectId = other.id;
  await db.device.create({ data: { address: device.toLowerCase(), projectId, model: "AQ v2" } });
  for (const [role, address] of Object.entries({ admin, operator, stranger })) {
    tokens[role] = `token-${role}-${suffix}`;
    await db.session.create({ data: { id: sessionIdFromToken(tokens[role]!), address, chainId: 31337, expiresAt: new Date(Date.now() + 3_600_000) } });
  }
});

afterAll(async () => {
  await db.$disconnect();
});

const ctx = (id: number | string) => ({ params: Promise.resolve({ id: String(id) }) });
const get = (path: string) => new Request(`http://localhost${path}`);
const send = (path: string, method: string, body: unknown) => new Request(`http://localhost${path}`, { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** Every project-scoped admin route, with a request that succeeds for staff. */
const ROUTES: Array<{ name: string; call: (id: number | string) => Promise<Response> }> = [
  { name: "GET project", call: async (id) => (await import("@/app/api/admin/projects/[id]/route")).GET(get(`/api/admin/projects/${id}`), ctx(id)) },
  { name: "GET devices", call: async (id) => (await import("@/app/api/admin/projects/[id]/devices/route")).GET(get(`/api/admin/projects/${id}/devices?sort=quality&dir=desc`), ctx(id)) },
  { name: "GET export", call: async (id) => (await import("@/app/api/admin/projects/[id]/devices/export/route")).GET(get(`/api/admin/projects/${id}/devices/export`), ctx(id)) },
  { name: "POST lookup", call: async (id) => (await import("@/app/api/admin/projects/[id]/devices/lookup/route")).POST(send("/x", "POST", { addresses: [device] }), ctx(id)) },
  {
    name: "PUT metadata",
    call: async (id) => (await import("@/app/api/admin/projects/[id]/devices/metadata/route")).PUT(send("/x", "PUT", { devices: [{ address: device, model: "AQ v2", serial: "SN-1", firmware: "1.0.0" }] }), ctx(id)),
  },
  { name: "GET health", call: async (id) => (await import("@/app/api/admin/projects/[id]/health/route")).GET(get("/x"), ctx(id)) },
  { name: "GET audit", call: async (id) => (await import("@/app/api/admin/projects/[id]/audit/route")).GET(get("/x"), ctx(id)) },
  { name: "GET alerts", call: async (id) => (await import("@/app/api/admin/projects/[id]/alerts/route")).GET(get("/x"), ctx(id)) },
  { name: "GET alert settings", call: async (id) => (await import("@/app/api/admin/projects/[id]/alerts/settings/route")).GET(get("/x"), ctx(id)) },
  { name: "POST audit", call: async (id) => (await import("@/app/api/admin/projects/[id]/audit/route")).POST(send("/x", "POST", { action: "labels.generate", count: 3 }), ctx(id)) },
];

describe("admin routes × roles", () => {
  for (const route of ROUTES) {
    describe(route.name, () => {
      it("answers 401 to an anonymous caller", async () => {
        await signIn("anonymous");
        const response = await route.call(projectId);
        expect(response.status).toBe(401);
        expect((await response.json()).error.code).toBe("unauthorized");
      });

      it("answers another project's admin exactly as it answers a project that does not exist", async () => {
        await signIn("stranger");
        const foreign = await route.call(projectId);
        const missing = await route.call(2_000_000_000);
        const malformed = await route.call("1 OR 1=1");
        expect(foreign.status).toBe(403);
        expect(missing.status).toBe(403);
        expect(malformed.status).toBe(403);
        const body = await foreign.text();
        expect(body).toBe(await missing.text());
        expect(body).toBe(await malformed.text());
        expect(body).not.toContain("Admin Fleet");
      });

      for (const role of ["operator", "admin"] as const) {
        it(`serves the project's ${role}`, async () => {
          await signIn(role);
          const response = await route.call(projectId);
          expect(response.status, await response.clone().text()).toBeLessThan(300);
        });
      }

      it("does not let the project's admin into another project through the same route", async () => {
        await signIn("admin");
        expect((await route.call(otherProjectId)).status).toBe(403);
      });
    });
  }

  it("lets only the admin change alert settings, and a foreign or unknown alert cannot be acknowledged", async () => {
    // The route loop above spent most of the admin's rate-limit burst (60, refilling 5/s); on a fast run nothing
    // refilled and a write below got 429 (seen in CI). This test's admin writes cost about 27: let 6 s refill 30.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const settings = await import("@/app/api/admin/projects/[id]/alerts/settings/route");
    const put = () => settings.PUT(send("/x", "PUT", { offlineMinutes: 30, qualityBelow: 50, batteryBelow: 20, webhookUrl: "https://hooks.example/depin" }), ctx(projectId));
    await signIn("operator");
    expect((await put()).status).toBe(403);
    await signIn("stranger");
    expect((await put()).status).toBe(403);
    await signIn("admin");
    const saved = await put();
    expect(saved.status).toBe(200);
    expect((await saved.json()).newSecret).toMatch(/^whsec_/);
    // The secret is never read back.
    expect(JSON.stringify(await (await settings.GET(get("/x"), ctx(projectId))).json())).not.toContain("whsec_");
    const bad = await settings.PUT(send("/x", "PUT", { offlineMinutes: 30, qualityBelow: 50, batteryBelow: 20, webhookUrl: "file:///etc/passwd" }), ctx(projectId));
    expect(bad.status).toBe(400);
    // The address rules themselves are unit-tested (lib/admin/webhook-url.test.ts); each PUT costs 5 of the rate limit.
    for (const webhookUrl of ["https://169.254.169.254/latest/meta-data", "http://hooks.example/depin"]) {
      const refused = await settings.PUT(send("/x", "PUT", { offlineMinutes: 30, qualityBelow: 50, batteryBelow: 20, webhookUrl }), ctx(projectId));
      expect(refused.status).toBe(400);
    }

    const { POST } = await import("@/app/api/admin/projects/[id]/alerts/[alertId]/route");
    const otherAlert = await db.adminAlert.create({ data: { projectId: otherProjectId, device: device.toLowerCase(), kind: "offline", message: "x" } });
    const ack = (id: string) => POST(send("/x", "POST", {}), { params: Promise.resolve({ id: String(projectId), alertId: id }) });
    expect((await ack(String(otherAlert.id))).status).toBe(404);
    expect((await ack("abc")).status).toBe(400);
    await signIn("stranger");
    expect((await POST(send("/x", "POST", {}), { params: Promise.resolve({ id: String(projectId), alertId: String(otherAlert.id) }) })).status).toBe(403);
    await db.adminAlert.delete({ where: { id: otherAlert.id } });
  });

  it("lists only the caller's projects, with the role", async () => {
    const { GET } = await import("@/app/api/admin/projects/route");
    await signIn("anonymous");
    expect((await GET()).status).toBe(401);
    await signIn("operator");
    const operatorView = (await (await GET()).json()) as { projects: Array<{ id: number; role: string }> };
    expect(operatorView.projects).toEqual([expect.objectContaining({ id: projectId, role: "operator", deviceCount: 1 })]);
    await signIn("stranger");
    const strangerView = (await (await GET()).json()) as { projects: Array<{ id: number; role: string }> };
    expect(strangerView.projects.map((p) => [p.id, p.role])).toEqual([[otherProjectId, "admin"]]);
  });

  it("a removed operator loses access at once (the index is the source of truth)", async () => {
    await db.projectOperator.delete({ where: { projectId_address: { projectId, address: operator } } });
    try {
      await signIn("operator");
      expect((await ROUTES[0]!.call(projectId)).status).toBe(403);
    } finally {
      await db.projectOperator.create({ data: { projectId, address: operator } });
    }
  });
});
