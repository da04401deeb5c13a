import { spawn, type ChildProcess } from "node:child_process";
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

  /** SIGTERM every process group, then SIGKILL whatever is still alive after the grace period. */
  async stopAll(graceMs = 8000, log: Logger = logger("stack")): Promise<void> {
    this.stopping = true;
    const running = this.children.filter(({ child }) => child.exitCode === null && child.signalCode === null);
    for (const { child } of running) signalGroup(child, "SIGTERM");
    const timer = setTimeout(() => {
      for (const { name, child } of running) {
        if (child.exitCode === null && child.signalCode === null) {
          log(`${name} did not stop in ${graceMs} ms; killing it`);
          signalGroup(child, "SIGKILL");
        }
      }
    }, graceMs);
    await Promise.all(running.map(({ exited }) => exited));
    clearTimeout(timer);
  }
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
