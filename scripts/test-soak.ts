/**
 * `npm run test:soak`: the long versions of the crash, outage and scale-out
 * tests (not part of `npm test`). Same test files as the integration suite,
 * with the load, the number of kills and the outages raised through the
 * environment. SOAK_SECONDS (default 300) scales everything; each knob can be
 * set on its own too (see the table below). FUZZ_SEED replays a chaos run.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const seconds = Number(process.env.SOAK_SECONDS ?? 300);
if (!Number.isFinite(seconds) || seconds < 10) {
  console.error("SOAK_SECONDS must be a number of seconds ≥ 10");
  process.exit(2);
}

/** Defaults derived from SOAK_SECONDS; anything already in the environment wins. */
const knobs: Record<string, string> = {
  // 2 brokers + 3 workers: minutes of MQTT load, a worker SIGKILL every ~10 s, one broker SIGKILL.
  SCALE_OUT_LOAD_SECONDS: String(seconds),
  SCALE_OUT_DEVICES: "16",
  SCALE_OUT_KILLS: String(Math.max(6, Math.round(seconds / 10))),
  // 2 `next start` instances + 3 workers under HTTP load: one app instance SIGKILLed about every minute.
  SCALE_OUT_HTTP_LOAD_SECONDS: String(seconds),
  SCALE_OUT_HTTP_DEVICES: "16",
  SCALE_OUT_HTTP_APP_KILLS: String(Math.max(1, Math.floor(seconds / 60))),
  // 3 workers closing reward epochs: more epochs (hours of the last day), two proof batches each, more kills.
  SCALE_OUT_EPOCHS: String(Math.min(20, Math.max(3, Math.round(seconds / 30)))),
  SCALE_OUT_EPOCH_KILLS: String(Math.max(4, Math.round(seconds / 20))),
  SCALE_OUT_EPOCH_DEVICES: "18",
  // Database restarts while devices publish: one every ~minute of load, each down for 10 s.
  DB_RESTARTS: String(Math.max(2, Math.round(seconds / 60))),
  DB_RESTART_DOWN_MS: "10000",
  DB_RESTART_DEVICES: "16",
  DB_RESTART_MESSAGES: String(Math.min(900, Math.max(60, Math.round((seconds * 1000) / 60 / 4)))),
  // The chain stays down for a fifth of the soak (at least a minute).
  RPC_OUTAGE_SECONDS: String(Math.max(60, Math.round(seconds / 5))),
  // Each of the reward submission's outages (chain or database down mid-submission) kept up this long.
  REWARD_OUTAGE_SECONDS: String(Math.max(10, Math.round(seconds / 20))),
};
const env = { ...process.env };
for (const [name, value] of Object.entries(knobs)) env[name] ??= value;

const files = [
  "test/integration/reliability/rpc-fallback.test.ts",
  "test/integration/reliability/rpc-outage.test.ts",
  "test/integration/reliability/reward-submission.test.ts",
  "test/integration/reliability/db-restart.test.ts",
  "test/integration/worker/scale-out.test.ts",
  "test/integration/worker/scale-out-ingest.test.ts",
  "test/integration/worker/scale-out-http.test.ts",
  "test/integration/worker/scale-out-epochs.test.ts",
  "test/integration/ingest/kill-broker.test.ts",
  "test/integration/processing/kill-worker.test.ts",
];
// `npm run test:soak -- db-restart` runs only the files whose path contains an argument.
const filters = process.argv.slice(2);
const selected = filters.length ? files.filter((file) => filters.some((filter) => file.includes(filter))) : files;
console.log(`soak: ${seconds} s; ${Object.keys(knobs).map((name) => `${name}=${env[name]}`).join(" ")}`);
// The verdict comes from vitest's JSON report, as in scripts/test.ts: a soak run once exited 0 with a failed test.
const reportDir = mkdtempSync(join(tmpdir(), "depinhub-soak-"));
const report = join(reportDir, "soak.json");
const child = spawn(join(process.cwd(), "node_modules", ".bin", "vitest"), ["run", "--project", "integration", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...selected], { env, stdio: "inherit" });
child.on("exit", (code) => {
  let failed = 1;
  try {
    const counts = JSON.parse(readFileSync(report, "utf8")) as { numPassedTests: number; numFailedTests: number };
    failed = counts.numFailedTests;
    console.log(`soak: ${counts.numPassedTests} passed, ${counts.numFailedTests} failed`);
  } catch {
    console.log("soak: vitest wrote no report");
  }
  rmSync(reportDir, { recursive: true, force: true });
  process.exit(failed === 0 && code === 0 ? 0 : 1);
});
