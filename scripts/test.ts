/**
 * `npm test`: every check the project has, in order, on fresh databases and
 * chains. All stages run even after a failure so one run shows everything;
 * the exit code is non-zero if any failed. `--only a,b` / `--skip a,b` pick stages.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface Stage {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Test counts from the stage's report, when it runs tests. */
  count?: (output: string, reportDir: string) => Counts;
}

const root = process.cwd();
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const reportDir = mkdtempSync(join(tmpdir(), "depinhub-test-"));

function vitestCounts(file: string): Counts {
  const report = JSON.parse(readFileSync(join(reportDir, file), "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests };
}

function vitestStage(project: string, env?: Record<string, string>): Stage {
  return {
    name: project,
    command: [bin("vitest"), "run", "--project", project, "--reporter=default", "--reporter=json", `--outputFile.json=${join(reportDir, `${project}.json`)}`],
    env,
    count: () => vitestCounts(`${project}.json`),
  };
}

const stages: Stage[] = [
  { name: "abi", command: [bin("tsx"), "scripts/contracts-build.ts", "--check"] },
  { name: "migrations", command: [bin("tsx"), "--conditions=react-server", "scripts/db-migrate.ts", "--check"] },
  { name: "typecheck", command: ["sh", "-c", `${bin("next")} typegen >/dev/null && ${bin("tsc")} --noEmit`] },
  { name: "lint", command: [bin("eslint"), ".", "--max-warnings=0"] },
  {
    name: "audit",
    command: [bin("tsx"), "scripts/audit.ts"],
    // An unreachable advisory service is reported as skipped, never as passed.
    count: (output) => {
      const line = /^audit: (\w+)/m.exec(output)?.[1];
      return { passed: line === "clean" ? 1 : 0, failed: line === "clean" || line === "unavailable" ? 0 : 1, skipped: line === "unavailable" ? 1 : 0 };
    },
  },
  vitestStage("unit"),
  // The integration tests that start `next start` need the production build; the e2e stack reuses it.
  { name: "build", command: [bin("tsx"), "scripts/build.ts"] },
  // Here a missing or stale build fails those tests instead of skipping them (the build stage should have made it).
  vitestStage("integration", { NEXT_BUILD_REQUIRED: "1" }),
  {
    name: "forge",
    command: ["sh", "-c", `cd contracts && ${bin("forge")} test`],
    count: (output) => {
      const match = /(\d+) tests? passed, (\d+) failed, (\d+) skipped/.exec(output);
      return match ? { passed: Number(match[1]), failed: Number(match[2]), skipped: Number(match[3]) } : { passed: 0, failed: 1, skipped: 0 };
    },
  },
  {
    name: "e2e",
    command: [bin("playwright"), "test", "--reporter=list,json"],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: join(reportDir, "e2e.json") },
    count: () => {
      const { stats } = JSON.parse(readFileSync(join(reportDir, "e2e.json"), "utf8")) as {
        stats: { expected: number; unexpected: number; flaky: number; skipped: number };
      };
      return { passed: stats.expected + stats.flaky, failed: stats.unexpected, skipped: stats.skipped };
    },
  },
];

function parseList(flag: string): string[] | undefined {
  const arg = process.argv.find((a) => a.startsWith(`${flag}=`));
  const index = process.argv.indexOf(flag);
  const value = arg ? arg.slice(flag.length + 1) : index >= 0 ? process.argv[index + 1] : undefined;
  return value?.split(",").map((s) => s.trim());
}

function runStage(stage: Stage): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const [command, ...args] = stage.command;
    const child = spawn(command!, args, { cwd: root, env: { ...process.env, ...stage.env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const forward = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      target.write(chunk);
    };
    child.stdout.on("data", forward(process.stdout));
    child.stderr.on("data", forward(process.stderr));
    child.on("error", (error) => resolve({ code: 1, output: String(error) }));
    child.on("exit", (code) => resolve({ code: code ?? 1, output }));
  });
}

async function main(): Promise<void> {
  const only = parseList("--only");
  const skip = parseList("--skip") ?? [];
  const selected = stages.filter((s) => (!only || only.includes(s.name)) && !skip.includes(s.name));
  // Without the build stage (`--only integration`) a stale build skips the tests that need one, as outside `npm test`.
  if (!selected.some((s) => s.name === "build")) for (const stage of selected) delete stage.env?.NEXT_BUILD_REQUIRED;
  const results: Array<{ name: string; ok: boolean; seconds: number; counts?: Counts }> = [];

  for (const stage of selected) {
    process.stdout.write(`\n=== ${stage.name} ===\n`);
    const started = Date.now();
    const { code, output } = await runStage(stage);
    let counts: Counts | undefined;
    try {
      counts = stage.count?.(output, reportDir);
    } catch {
      counts = { passed: 0, failed: 1, skipped: 0 }; // the runner died before writing its report
    }
    // A runner can exit 0 with a failed test (seen once with vitest's forks pool): the counts decide too.
    results.push({ name: stage.name, ok: code === 0 && (counts?.failed ?? 0) === 0, seconds: (Date.now() - started) / 1000, counts });
  }

  process.stdout.write("\n=== summary ===\n");
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    const tests = r.counts ? ` (${r.counts.passed} passed, ${r.counts.failed} failed, ${r.counts.skipped} skipped)` : "";
    process.stdout.write(`${r.ok ? "ok  " : "FAIL"} ${r.name.padEnd(11)} ${r.seconds.toFixed(1).padStart(6)} s${tests}\n`);
    if (r.counts) {
      total.passed += r.counts.passed;
      total.failed += r.counts.failed;
      total.skipped += r.counts.skipped;
    } else {
      total[r.ok ? "passed" : "failed"] += 1; // a check without tests counts as one
    }
  }
  rmSync(reportDir, { recursive: true, force: true });
  const failedStages = results.filter((r) => !r.ok);
  process.stdout.write(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
  process.exit(failedStages.length === 0 && total.failed === 0 ? 0 : 1);
}

void main();
