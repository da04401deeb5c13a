import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const log = join(import.meta.dirname, "log.ts");

/** A process that logs a line every 20 ms for a second, then exits 0; its reader goes away after the first line. */
function runWithReaderGone(survive: boolean): Promise<number | null> {
  const source = `import { logger, surviveClosedOutput } from ${JSON.stringify(log)};
${survive ? "surviveClosedOutput();" : ""}
const log = logger("test");
const timer = setInterval(() => log("still shutting down"), 20);
setTimeout(() => { clearInterval(timer); process.exit(0); }, 1000);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", source], { stdio: ["ignore", "pipe", "ignore"] });
  child.stdout.once("data", () => child.stdout.destroy());
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("surviveClosedOutput", () => {
  it("keeps a process alive after whoever read its output went away", async () => {
    expect(await runWithReaderGone(true)).toBe(0);
  });

  it("is needed: without it the first write to the closed pipe kills the process", async () => {
    expect(await runWithReaderGone(false)).not.toBe(0);
  });
});
