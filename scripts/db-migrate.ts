/**
 * Offline Prisma migrations (see lib/db/migrate.ts).
 *
 *   npm run db:migrate                      apply pending migrations to DATABASE_URL,
 *                                           or to the embedded dev database when unset
 *   npm run db:migration:create -- <name>   write prisma/migrations/<timestamp>_<name>
 *                                           for the changes in schema.prisma
 *   npm run db:migrate -- --check           exit 1 if schema.prisma has changes that no
 *                                           migration captures
 *
 * create and --check only need a server to host a temporary shadow database:
 * DATABASE_URL's server when set, otherwise a throwaway embedded one (so they
 * work while `npm start` holds the dev database).
 */
import { serverEnv } from "../lib/config/env";
import { openDevDatabase } from "../lib/db/dev-database";
import { startEphemeralPostgres } from "../lib/db/embedded";
import { applyMigrations, checkMigrations, createMigration } from "../lib/db/migrate";

const USAGE = "usage: db-migrate.ts [--check | create <name>]";

async function main(args: string[]): Promise<number> {
  if (args[0] === "create") {
    const name = args[1];
    if (!name || args.length > 2) throw new Error(USAGE);
    const created = await withShadowHost((url) => createMigration(url, name));
    console.log(created ? `Created ${created.directory}` : "No schema changes: no migration created.");
    return 0;
  }
  if (args[0] === "--check") {
    if (args.length > 1) throw new Error(USAGE);
    const { upToDate, sql } = await withShadowHost((url) => checkMigrations(url));
    if (upToDate) {
      console.log("Migrations are up to date with prisma/schema.prisma.");
      return 0;
    }
    console.error("prisma/schema.prisma has changes no migration captures. Run `npm run db:migration:create -- <name>`. Missing SQL:\n");
    console.error(sql);
    return 1;
  }
  if (args.length > 0) throw new Error(USAGE);

  const database = await openDevDatabase();
  try {
    const started = performance.now();
    const { applied } = await applyMigrations(database.url);
    const took = `${Math.round(performance.now() - started)} ms`;
    console.log(applied.length ? `Applied ${applied.join(", ")} (${took})` : `Database is up to date (${took}).`);
  } finally {
    await database.stop();
  }
  return 0;
}

async function withShadowHost<T>(run: (url: string) => Promise<T>): Promise<T> {
  const url = serverEnv().DATABASE_URL;
  if (url) return run(url);
  const server = await startEphemeralPostgres();
  try {
    return await run(server.url);
  } finally {
    await server.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
