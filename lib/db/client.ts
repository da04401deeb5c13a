import "server-only";
import { serverEnv } from "../config/env";
import { createDbClient, type PrismaClient } from "./create-client";

export { createDbClient };
export type { PrismaClient };

/**
 * The app's database client, created on first use from DATABASE_URL (set by
 * the start script when it runs the embedded database). Kept on globalThis so
 * Next.js hot reloads reuse one connection pool instead of opening a new one
 * per reload.
 */
export function db(): PrismaClient {
  const holder = globalThis as typeof globalThis & { __depinhubDb?: PrismaClient };
  holder.__depinhubDb ??= createDbClient(requireDatabaseUrl());
  return holder.__depinhubDb;
}

function requireDatabaseUrl(): string {
  const url = serverEnv().DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set. Start the app with `npm start` (which runs the embedded PostgreSQL and sets it) or export DATABASE_URL=postgresql://…",
    );
  }
  return url;
}
