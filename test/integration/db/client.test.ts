import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDbClient, type PrismaClient } from "../../../lib/db/client";
import { startEphemeralPostgres, type EphemeralPostgres } from "../../../lib/db/embedded";
import { applyMigrations } from "../../../lib/db/migrate";

const run = promisify(execFile);
let server: EphemeralPostgres;
let prisma: PrismaClient;

beforeAll(async () => {
  server = await startEphemeralPostgres();
  await applyMigrations(server.url);
  prisma = createDbClient(server.url);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await server?.stop();
});

describe("Prisma client on the migrated schema", () => {
  it("writes and reads rows, relations included", async () => {
    const project = await prisma.project.create({
      data: { chainId: 31337, onchainId: 7n, slug: "weather", name: "Weather", adminAddress: "0xAdmin" },
    });
    await prisma.device.create({ data: { address: "0xabc", projectId: project.id, model: "WS-1" } });

    const found = await prisma.project.findUniqueOrThrow({ where: { slug: "weather" }, include: { devices: true } });
    expect(found.onchainId).toBe(7n);
    expect(found.devices.map((device) => [device.address, device.active])).toEqual([["0xabc", true]]);
    expect(found.createdAt).toBeInstanceOf(Date);
  });
});

describe("npm scripts", () => {
  const tsx = ["--conditions=react-server"];

  it("db-migrate --check passes for the committed migrations", async () => {
    const { stdout } = await run("npx", ["tsx", ...tsx, "scripts/db-migrate.ts", "--check"], {
      env: { ...process.env, DATABASE_URL: server.url },
    });
    expect(stdout).toContain("up to date");
  }, 60_000);

  it("db() works outside Next.js under the react-server condition (server-only resolves to its empty module)", async () => {
    const script = `import { db } from "./lib/db/client.ts"; console.log(await db().project.count()); await db().$disconnect();`;
    const { stdout } = await run("npx", ["tsx", ...tsx, "--input-type=module", "-e", script], {
      env: { ...process.env, DATABASE_URL: server.url },
    });
    expect(stdout.trim()).toMatch(/^\d+$/);
  }, 60_000);
});
