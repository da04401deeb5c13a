import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Supervisor } from "./supervisor";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Alive and not a zombie: an unreaped zombie cannot do anything, so it counts as stopped. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function pidFrom(file: string): Promise<number> {
  for (let i = 0; i < 200; i++) {
    try {
      const pid = Number(readFileSync(file, "utf8"));
      if (pid > 0) return pid;
    } catch {
      // Not written yet.
    }
    await sleep(50);
  }
  throw new Error(`${file} was never written`);
}

/**
 * A shell that starts a Node process in its group and exits on SIGTERM, the way tsx exits while the
 * worker it wraps is still finishing a tick. The Node process writes its pid and, if told, ignores SIGTERM.
 */
function wrapperCommand(dir: string, name: string, ignoreTerm: boolean): string[] {
  const script = join(dir, `${name}.cjs`);
  writeFileSync(
    script,
    `${ignoreTerm ? "process.on('SIGTERM', () => {});\n" : ""}require('fs').writeFileSync(${JSON.stringify(join(dir, `${name}.pid`))}, String(process.pid));\nsetInterval(() => {}, 1000);\n`,
  );
  return ["-c", `"${process.execPath}" "${script}" & trap 'exit 0' TERM; wait`];
}

describe("Supervisor.stopAll", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("kills a process left in the group after its wrapper exited on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "supervisor-"));
    dirs.push(dir);
    const unexpected: string[] = [];
    const supervisor = new Supervisor((name) => unexpected.push(name));
    supervisor.start("stubborn", "sh", wrapperCommand(dir, "stubborn", true), process.env);
    supervisor.start("polite", "sh", wrapperCommand(dir, "polite", false), process.env);
    const stubborn = await pidFrom(join(dir, "stubborn.pid"));
    const polite = await pidFrom(join(dir, "polite.pid"));

    const lines: string[] = [];
    await supervisor.stopAll(500, (line) => lines.push(line));

    expect(running(stubborn)).toBe(false);
    expect(running(polite)).toBe(false);
    expect(lines).toEqual(["stubborn did not stop in 500 ms; killing it"]);
    expect(unexpected).toEqual([]);
  });
});
