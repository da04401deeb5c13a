import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { parseServerEnv } from "../../lib/config/env";
import { findFreePort } from "../../lib/db/embedded";
import { bootStack } from "../../scripts/lib/stack";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    rpcUrl: string;
    deploymentsFile: string;
  }
}

/**
 * One fresh PostgreSQL and one fresh anvil chain for the whole integration
 * run, booted exactly as `npm start` boots them (migrations, contracts).
 * Tests read the URLs with `inject("databaseUrl")` etc.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "depinhub-it-"));
  // PostgreSQL runs as its own user when we are root; mkdtemp's 0700 would lock it out.
  chmodSync(dataDir, 0o755);
  const env = parseServerEnv({
    DATA_DIR: dataDir,
    PG_PORT: String(await findFreePort()),
    ANVIL_PORT: String(await findFreePort()),
  });
  const stack = await bootStack(env, dataDir);
  project.provide("databaseUrl", stack.databaseUrl);
  project.provide("rpcUrl", stack.rpcUrl);
  project.provide("deploymentsFile", stack.deploymentsFile);
  return async () => {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
