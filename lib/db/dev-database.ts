import path from "node:path";
import pg from "pg";
import { serverEnv } from "../config/env";
import { embeddedPostgresUrl, startEmbeddedPostgres, type RunningPostgres } from "./embedded";

/**
 * The local development database: DATABASE_URL when set, otherwise the
 * embedded PostgreSQL in $DATA_DIR/postgres on $PG_PORT. If that server is
 * already running (e.g. under `npm start`) it is used as is; if not, it is
 * started and `stop()` shuts it down again.
 */
export async function openDevDatabase(log?: (line: string) => void): Promise<Pick<RunningPostgres, "url" | "stop">> {
  const env = serverEnv();
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, stop: async () => {} };
  const runningUrl = embeddedPostgresUrl(env.PG_PORT);
  if (await canConnect(runningUrl)) return { url: runningUrl, stop: async () => {} };
  return startEmbeddedPostgres({ dataDir: path.join(env.DATA_DIR, "postgres"), port: env.PG_PORT, log });
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
