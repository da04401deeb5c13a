import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SchemaFilter } from "@prisma/schema-engine-wasm";
import { readMigrationsList, writeMigration } from "./migrations-dir";
import { openSchemaEngine, type SchemaEngine } from "./schema-engine";

/**
 * Offline equivalents of `prisma migrate deploy`, `prisma migrate dev
 * --create-only` and `prisma migrate diff --exit-code`, run through Prisma's
 * WebAssembly schema engine. The engine records applied migrations in
 * `_prisma_migrations` exactly like the native CLI, so both stay interchangeable.
 */

export interface PrismaPaths {
  schemaPath: string;
  migrationsDir: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const defaultPrismaPaths: PrismaPaths = {
  schemaPath: path.join(repoRoot, "prisma/schema.prisma"),
  migrationsDir: path.join(repoRoot, "prisma/migrations"),
};

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

/** Applies pending migrations in order; returns the names applied now (empty when up to date). */
export async function applyMigrations(
  databaseUrl: string,
  paths: PrismaPaths = defaultPrismaPaths,
): Promise<{ applied: string[] }> {
  return withEngine(databaseUrl, paths, async (engine) => {
    const migrationsList = await readMigrationsList(paths.migrationsDir);
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return { applied: appliedMigrationNames };
  });
}

/**
 * Writes prisma/migrations/<timestamp>_<name>/migration.sql with the SQL that
 * takes the existing migrations to schema.prisma, like `prisma migrate dev
 * --create-only`. The engine replays the migrations in a temporary shadow
 * database (created and dropped on the server of `databaseUrl`, which must
 * allow CREATE DATABASE); the database itself is not touched.
 * Returns undefined, writing nothing, when the schema has no changes.
 */
export async function createMigration(
  databaseUrl: string,
  name: string,
  paths: PrismaPaths = defaultPrismaPaths,
  now: Date = new Date(),
): Promise<{ name: string; directory: string } | undefined> {
  const slug = toMigrationName(name);
  const { upToDate, sql } = await checkMigrations(databaseUrl, paths);
  if (upToDate) return undefined;
  const migrationName = `${migrationTimestamp(now)}_${slug}`;
  const directory = await writeMigration(await readMigrationsList(paths.migrationsDir), {
    name: migrationName,
    script: sql,
    provider: "postgresql",
  });
  return { name: migrationName, directory };
}

/**
 * Compares the migrations (replayed in a temporary shadow database) with
 * schema.prisma. `sql` is what a new migration would contain; empty when they
 * match.
 */
export async function checkMigrations(
  databaseUrl: string,
  paths: PrismaPaths = defaultPrismaPaths,
): Promise<{ upToDate: boolean; sql: string }> {
  // The wasm engine's own createMigration cannot make a PostgreSQL shadow
  // database ("must be provided through an external factory"); diff from a
  // "migrations" target does, through the adapter's connectToShadowDb. Its
  // script is the same one `migrate dev` would write.
  return withEngine(databaseUrl, paths, async (engine) => {
    const migrationsList = await readMigrationsList(paths.migrationsDir);
    const result = await engine.diff({
      // The engine reads the provider from migration_lock.toml, absent before the first migration.
      from: migrationsList.migrationDirectories.length > 0 ? { tag: "migrations", ...migrationsList } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: await readSchemaFiles(paths) },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 2 means "non-empty diff" (as with `prisma migrate diff --exit-code`).
    const upToDate = result.exitCode === 0;
    return { upToDate, sql: upToDate ? "" : (result.stdout ?? "") };
  });
}

/** Prisma's migration prefix: UTC YYYYMMDDHHMMSS. */
function migrationTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, "").slice(0, 14);
}

/** "Add devices!" -> "add_devices" (the directory name gets a timestamp prefix). */
export function toMigrationName(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 100);
  if (!slug) throw new Error(`Invalid migration name ${JSON.stringify(name)}: use letters, digits and underscores`);
  return slug;
}

async function readSchemaFiles(paths: PrismaPaths): Promise<{ path: string; content: string }[]> {
  return [{ path: paths.schemaPath, content: await readFile(paths.schemaPath, "utf8") }];
}

async function withEngine<T>(
  databaseUrl: string,
  paths: PrismaPaths,
  run: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const engine = await openSchemaEngine({ databaseUrl, schemaFiles: await readSchemaFiles(paths) });
  try {
    return await run(engine);
  } finally {
    await engine.close();
  }
}
