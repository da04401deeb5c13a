import { mkdirSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { defineConfig } from "@playwright/test";

// Overridable so a second stack (another checkout, a CI job) can run beside this one.
const PORT = Number(process.env.E2E_PORT ?? 3100);
const PG_PORT = Number(process.env.E2E_PG_PORT ?? 55433);
const ANVIL_PORT = Number(process.env.E2E_ANVIL_PORT ?? 18545);
const MQTT_PORT = Number(process.env.E2E_MQTT_PORT ?? 11883);
const APP_URL = `http://localhost:${PORT}`;

// A fresh database and chain every run. Workers load this file again; the
// runner's env tells them the directory is already set up.
if (!process.env.E2E_DATA_DIR) {
  const dataDir = resolve(".data", "e2e");
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  process.env.E2E_DATA_DIR = dataDir;
}
// Read by the wallet fixture (e2e/fixtures.ts): the chain the test wallet signs for.
process.env.E2E_ANVIL_RPC_URL ??= `http://127.0.0.1:${ANVIL_PORT}`;
// The worker's reward epoch length, also read by the rewards journey's driver (e2e/rewards.spec.ts) so both agree.
process.env.E2E_REWARD_EPOCH_SECONDS ??= "300";

const isCI = !!process.env.CI;

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: isCI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL: APP_URL,
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROME_PATH ?? "/usr/bin/chromium",
      // Debian's Chromium as root, offline: no sandbox, no GPU, no calls home.
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "chromium" }],
  webServer: {
    command: "npx tsx --conditions=react-server scripts/start.ts",
    url: `${APP_URL}/api/health`,
    // The start script runs `next build` first when the build is stale: 3–6 minutes on a busy 2-core machine.
    timeout: 600_000,
    reuseExistingServer: false,
    // Without this Playwright SIGKILLs the start script, orphaning the servers it spawned detached.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
    stdout: "pipe",
    stderr: "pipe",
    env: {
      DATA_DIR: process.env.E2E_DATA_DIR,
      PORT: String(PORT),
      PG_PORT: String(PG_PORT),
      ANVIL_PORT: String(ANVIL_PORT),
      MQTT_PORT: String(MQTT_PORT),
      // The journeys make their own data; 50 simulated devices would only load the 2-core machine.
      SIMULATOR: "off",
      APP_URL,
      REWARD_EPOCH_SECONDS: process.env.E2E_REWARD_EPOCH_SECONDS,
    },
  },
});
