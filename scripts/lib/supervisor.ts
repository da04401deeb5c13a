import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { logger, pipeLines, type Logger } from "./log";

interface Supervised {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/**
 * Runs long-lived child processes with prefixed output and stops them all
 * together. Each child gets its own process group so a shutdown also reaches
 * the grandchildren (next start, tsx) and nothing is left running.
 */
export class Supervisor {
  private readonly children: Supervised[] = [];
  private stopping = false;

  constructor(private readonly onUnexpectedExit: (name: string, code: number | null) => void) {}

  /**
   * Starts a child. An essential child's unexpected exit stops the whole
   * stack; an optional one (the simulator) is only reported.
   */
  start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, { essential = true } = {}): void {
    const log = logger(name);
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    pipeLines(child.stdout!, log);
    pipeLines(child.stderr!, log);
    const exited = new Promise<number | null>((resolve) => {
      child.on("exit", (code, signal) => {
        if (!this.stopping) {
          log(`exited (${signal ?? `code ${code}`})${essential ? "" : "; the rest of the stack keeps running"}`);
          if (essential) this.onUnexpectedExit(name, code);
        }
        resolve(code);
      });
      child.on("error", (error) => {
        log(`failed to start: ${error.message}`);
        resolve(1);
      });
    });
    this.children.push({ name, child, exited });
  }

  /**
   * SIGTERM every process group, then SIGKILL every group that still has a process after the grace
   * period. Groups, not leaders: a wrapper (tsx) may exit on SIGTERM while the process it wraps is
   * still finishing a tick, and waiting for the leader alone would leave that one running.
   */
  async stopAll(graceMs = 8000, log: Logger = logger("stack")): Promise<void> {
    this.stopping = true;
    const running = this.children.filter(({ child }) => groupAlive(child));
    for (const { child } of running) signalGroup(child, "SIGTERM");
    const deadline = Date.now() + graceMs;
    while (running.some(({ child }) => groupAlive(child)) && Date.now() < deadline) await sleep(100);
    for (const { name, child } of running) {
      if (groupAlive(child)) {
        log(`${name} did not stop in ${graceMs} ms; killing it`);
        signalGroup(child, "SIGKILL");
      }
    }
    await Promise.all(running.map(({ exited }) => exited));
    // SIGKILL is not instant either.
    const killDeadline = Date.now() + 2000;
    while (running.some(({ child }) => groupAlive(child)) && Date.now() < killDeadline) await sleep(20);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Whether any live process of the child's group remains. On Linux /proc tells, and zombies do not count:
 * a killed grandchild whose parent already exited may stay unreaped when PID 1 does not reap (containers),
 * and signal 0 would report it alive. Elsewhere signal 0 to the group is the best there is.
 */
function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  if (existsSync("/proc/self/stat")) return liveGroupMembers(child.pid) > 0;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

function liveGroupMembers(pgid: number): number {
  let count = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") count += 1;
    } catch {
      // Exited while we looked.
    }
  }
  return count;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Runs a command to completion with prefixed output; rejects on a non-zero exit. */
export function run(name: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const log = logger(name);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    pipeLines(child.stdout!, log);
    pipeLines(child.stderr!, log);
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${name}: ${command} exited with ${signal ?? `code ${code}`}`)),
    );
  });
}
