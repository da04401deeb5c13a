import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, startEmbeddedPostgres } from "../../../lib/db/embedded";

let root: string;
let dataDir: string;
let port: number;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "depinhub-embedded-test-"));
  dataDir = path.join(root, "pg");
  port = await findFreePort();
});

afterAll(async () => {
  expect(await postgresProcessesFor(dataDir)).toEqual([]);
  await rm(root, { recursive: true, force: true });
});

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Object.values((await client.query(sql)).rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

/** Pids of live postgres processes whose command line names `directory` (the postmaster). */
async function postgresProcessesFor(directory: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes("postgres") && cmdline.includes(directory)) pids.push(Number(entry));
  }
  return pids;
}

describe("startEmbeddedPostgres", () => {
  it("initialises once, keeps data across restarts and stops cleanly", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port });
    try {
      await scalar(first.url, "CREATE TABLE kept (v int)");
      await scalar(first.url, "INSERT INTO kept VALUES (42)");
    } finally {
      await first.stop();
    }
    expect(await postgresProcessesFor(dataDir)).toEqual([]);

    const second = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(await scalar(second.url, "SELECT v FROM kept")).toBe(42);
    } finally {
      await second.stop();
      await second.stop(); // idempotent
    }
    expect(await postgresProcessesFor(dataDir)).toEqual([]);
  }, 60_000);

  it("starts despite a stale postmaster.pid whose pid now belongs to another process", async () => {
    // After a crash the pid in the file may be reused; postgres alone would refuse to start.
    expect(await postgresProcessesFor(dataDir)).toEqual([]);
    await writeFile(path.join(dataDir, "postmaster.pid"), `${process.pid}\n${dataDir}\n`);
    const server = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(await scalar(server.url, "SELECT v FROM kept")).toBe(42);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("recovers from a killed run that left its postgres orphaned", async () => {
    // A child process starts the server and is SIGKILLed: its postgres keeps running.
    const script = `
      import { startEmbeddedPostgres } from "./lib/db/embedded.ts";
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} });
      console.log("ready");
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      child.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const orphans = await postgresProcessesFor(dataDir);
    expect(orphans).toHaveLength(1);

    const server = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(await scalar(server.url, "SELECT v FROM kept")).toBe(42);
      expect(await postgresProcessesFor(dataDir)).not.toContain(orphans[0]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it("stops its server when the process that started it crashes, and keeps the crash's exit code", async () => {
    const script = `
      import { startEmbeddedPostgres } from "./lib/db/embedded.ts";
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port} });
      setTimeout(() => { throw new Error("crash after start"); }, 0);`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "ignore"] });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(1);

    // SIGINT is PostgreSQL's fast shutdown: it finishes shortly after its parent is gone.
    let left = await postgresProcessesFor(dataDir);
    for (let i = 0; i < 100 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      left = await postgresProcessesFor(dataDir);
    }
    expect(left).toEqual([]);
  }, 60_000);
});
