import { spawn, type ChildProcess } from "node:child_process";
import type { PrismaClient } from "../../../lib/db/create-client";

/**
 * Machinery of the scale-out chaos tests: seeded randomness (the seed is
 * printed; FUZZ_SEED replays a run), real script processes started the way
 * `npm start` starts them, and SIGKILL. Shared by scale-out.test.ts (workers)
 * and scale-out-ingest.test.ts (brokers and workers under ingest load).
 */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** FUZZ_SEED, or a fresh seed; print it so a failing run can be replayed. */
export function chaosSeed(): number {
  return Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
}

/** A small LCG: deterministic for a seed, good enough to pick victims and moments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A positive whole number from the environment (the soak run raises these), or the default. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface ScriptProcess {
  child: ChildProcess;
  /** Resolves once the process printed `ready` (tsx start-up takes seconds here) or exited; a kill before that would prove nothing. */
  started: Promise<void>;
}

/** scripts/<name>.ts as its own Node process (tsx as an import hook, so a SIGKILL hits the process doing the work); output goes to `logs`. */
export function startScriptProcess(script: string, env: Record<string, string>, ready: RegExp, logs: string[]): ScriptProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const started = new Promise<void>((resolve) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      logs.push(chunk.toString());
      if (ready.test(chunk.toString())) resolve();
    });
    child.once("exit", () => resolve());
  });
  child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  return { child, started };
}

export function stopProcess({ child }: ScriptProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill(signal);
  });
}

const VOLATILE = new Set(["id", "projectId", "cursorId", "createdAt", "updatedAt", "computedAt"]);

/** Rows without their volatile columns, as comparable strings. */
export const stable = <T extends object>(rows: T[]) =>
  rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => !VOLATILE.has(key))), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));

/** What the workers build, comparable across runs: the chain index, its projections and the hourly rows. */
export async function projectionSnapshot(db: PrismaClient) {
  const cursor = await db.indexerCursor.findFirstOrThrow();
  return {
    cursor: { blockNumber: cursor.blockNumber.toString(), blockHash: cursor.blockHash },
    events: stable(await db.chainEvent.findMany({ orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] })),
    projects: stable(await db.project.findMany({ orderBy: { onchainId: "asc" } })),
    devices: stable(await db.device.findMany({ orderBy: { address: "asc" }, include: { project: { select: { onchainId: true } } } })),
    hours: stable(await db.deviceHour.findMany({ orderBy: [{ device: "asc" }, { hourStart: "asc" }] })),
  };
}

/** Forgets every projection the workers build; the chain and the raw telemetry stay. */
export async function resetProjections(db: PrismaClient): Promise<void> {
  await db.deviceHour.deleteMany();
  await db.device.deleteMany();
  await db.project.deleteMany();
  await db.indexerCursor.deleteMany();
}
