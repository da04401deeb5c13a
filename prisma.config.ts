import { defineConfig } from "prisma/config";

// Prisma 7 no longer reads .env or the schema's datasource url: the CLI takes
// both from here. DATABASE_URL is optional (unset means "use the embedded dev
// database", see scripts/db-migrate.ts), so only pass a url when it is set;
// `prisma generate` needs none.
const url = process.env.DATABASE_URL || undefined;

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
