import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ChildScript {
  process: ChildProcess;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when a printed line matches; rejects if the child exits first. */
  waitFor(pattern: RegExp): Promise<void>;
  /** Resolves when the process has exited (however it ended). */
  exited: Promise<void>;
  /** SIGKILL: no cleanup, no flush, exactly like a crash or the OOM killer. */
  kill(): Promise<void>;
}

/**
 * Runs one of scripts/*.ts as its own Node process, the way npm start runs it
 * (tsx, react-server conditions). Node itself is the child (tsx as an import
 * hook, not its CLI wrapper), so a SIGKILL hits the process doing the work.
 */
export function startScript(script: string, env: Record<string, string>): ChildScript {
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", script], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    process: child,
    output: () => output,
    exited,
    waitFor(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then(() => {
          if (listeners.has(check)) reject(new Error(`${script} exited before printing ${pattern}:\n${output}`));
        });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}
