import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTemporaryDatabase, startEphemeralPostgres, type EphemeralPostgres } from "../../../lib/db/embedded";
import {
  applyMigrations,
  checkMigrations,
  createMigration,
  defaultPrismaPaths,
  type PrismaPaths,
} from "../../../lib/db/migrate";

let server: EphemeralPostgres;

beforeAll(async () => {
  server = await startEphemeralPostgres();
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of prisma/ in a temp dir, so tests can change the schema and add migrations. */
async function copyOfPrismaDir(): Promise<PrismaPaths & { root: string }> {
  const root = await mkdtemp(path.join(tmpdir(), "depinhub-prisma-"));
  await cp(path.dirname(defaultPrismaPaths.schemaPath), root, { recursive: true });
  return { root, schemaPath: path.join(root, "schema.prisma"), migrationsDir: path.join(root, "migrations") };
}

describe("applyMigrations", () => {
  it("creates the schema's tables and records the migrations like the Prisma CLI", async () => {
    const { applied } = await applyMigrations(server.url);
    const onDisk = (await readdir(defaultPrismaPaths.migrationsDir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(applied).toEqual(onDisk);

    const tables = await query<{ table_name: string }>(
      server.url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.map((row) => row.table_name)).toEqual(
      ["AdminAlert", "AdminAlertSettings", "AdminAuditEntry", "AdminDeviceMetadata", "AdminWebhookDelivery", "AuthNonce", "ChainEvent", "Device", "DeviceHour", "DevicePairing", "IndexedBlock", "IndexerCursor", "MarketApiKey", "MarketAttestation", "MarketDeviceSale", "MarketListing", "MarketOrder", "MarketRequest", "Project", "ProjectOperator", "RateLimitBucket", "RewardBatch", "RewardDeviceEpoch", "RewardEpoch", "RewardPolicy", "RewardSlot", "Session", "WorkerHeartbeat", "_prisma_migrations", "map_cell", "map_cursor", "map_device"].sort(),
    );

    const records = await query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      server.url,
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name",
    );
    for (const [index, record] of records.entries()) {
      const script = await readFile(path.join(defaultPrismaPaths.migrationsDir, onDisk[index] ?? "", "migration.sql"));
      expect(record.migration_name).toBe(onDisk[index]);
      expect(record.checksum).toBe(createHash("sha256").update(script).digest("hex"));
      expect(record.finished_at).not.toBeNull();
      expect(record.rolled_back_at).toBeNull();
    }
  }, 30_000);

  it("is a no-op the second time", async () => {
    await applyMigrations(server.url);
    const before = await query<{ n: string }>(server.url, "SELECT count(*) AS n FROM _prisma_migrations");
    expect(await applyMigrations(server.url)).toEqual({ applied: [] });
    expect(await query(server.url, "SELECT count(*) AS n FROM _prisma_migrations")).toEqual(before);
  }, 30_000);

  it("runs a migration as one script: semicolons in strings survive, a failure applies nothing", async () => {
    const database = await createTemporaryDatabase(server.adminUrl);
    const prisma = await copyOfPrismaDir();
    try {
      await applyMigrations(database.url, prisma);
      const good = path.join(prisma.migrationsDir, "29990101000000_semicolons");
      await writeMigrationFile(good, `CREATE TABLE "Note" ("text" TEXT NOT NULL);\nINSERT INTO "Note" VALUES ('a;b');\n`);
      expect((await applyMigrations(database.url, prisma)).applied).toEqual(["29990101000000_semicolons"]);
      expect(await query(database.url, `SELECT "text" FROM "Note"`)).toEqual([{ text: "a;b" }]);

      const bad = path.join(prisma.migrationsDir, "29990102000000_broken");
      await writeMigrationFile(bad, `CREATE TABLE "Half" ("id" INT);\nSELECT * FROM "NoSuchTable";\n`);
      await expect(applyMigrations(database.url, prisma)).rejects.toThrow(/NoSuchTable/);
      const half = await query<{ exists: boolean }>(database.url, `SELECT to_regclass('"Half"') IS NOT NULL AS exists`);
      expect(half).toEqual([{ exists: false }]);
    } finally {
      await database.drop();
      await rm(prisma.root, { recursive: true, force: true });
    }
  }, 60_000);
});

async function writeMigrationFile(directory: string, sql: string): Promise<void> {
  await mkdir(directory, { recursive: true });
  await writeFile(path.join(directory, "migration.sql"), sql);
}

describe("checkMigrations / createMigration", () => {
  it("finds prisma/migrations up to date with schema.prisma", async () => {
    expect(await checkMigrations(server.url)).toEqual({ upToDate: true, sql: "" });
  }, 30_000);

  it("detects a schema change, writes a migration for it, then is up to date", async () => {
    const prisma = await copyOfPrismaDir();
    try {
      const schema = await readFile(prisma.schemaPath, "utf8");
      // Column alignment follows the model's longest field name, so match any spacing.
      await writeFile(prisma.schemaPath, schema.replace(/^( {2}serial +String\?\n)/m, "$1  firmware String?\n"));

      const check = await checkMigrations(server.url, prisma);
      expect(check.upToDate).toBe(false);
      expect(check.sql).toContain(`ALTER TABLE "Device" ADD COLUMN     "firmware" TEXT;`);

      const created = await createMigration(server.url, "Add firmware", prisma, new Date("2030-01-02T03:04:05Z"));
      expect(created?.name).toBe("20300102030405_add_firmware");
      expect(await readFile(path.join(created?.directory ?? "", "migration.sql"), "utf8")).toBe(check.sql);
      expect(await checkMigrations(server.url, prisma)).toEqual({ upToDate: true, sql: "" });
      expect(await createMigration(server.url, "again", prisma)).toBeUndefined();
    } finally {
      await rm(prisma.root, { recursive: true, force: true });
    }
  }, 60_000);

  it("leaves no shadow databases behind", async () => {
    const names = await query<{ datname: string }>(server.adminUrl, "SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'");
    expect(names).toEqual([]);
  });
});
