import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { run } from "./supervisor";

/** What a production build depends on; a change to any of these makes the build stale. */
const BUILD_INPUTS = ["app", "components", "lib", "public", "next.config.ts", "package-lock.json", "tsconfig.json"];
const STAMP_FILE = join(".next", "depinhub-build-stamp");

function listFiles(path: string): string[] {
  if (!existsSync(path)) return [];
  const stat = statSync(path);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) =>
    entry.name === "node_modules" ? [] : listFiles(join(path, entry.name)),
  );
}

/** A fingerprint of the build inputs: paths, sizes and contents' hashes. */
export function buildFingerprint(root: string): string {
  const hash = createHash("sha256");
  for (const input of BUILD_INPUTS) {
    for (const file of listFiles(join(root, input)).sort()) {
      if (/\.test\.tsx?$/.test(file)) continue;
      hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

/** Whether `.next` holds a production build made from exactly these sources (or the fingerprint already computed). */
export function isNextBuildFresh(root: string, fingerprint = buildFingerprint(root)): boolean {
  const stampPath = join(root, STAMP_FILE);
  return existsSync(join(root, ".next", "BUILD_ID")) && existsSync(stampPath) && readFileSync(stampPath, "utf8") === fingerprint;
}

/** Builds the Next.js app unless the last build was made from exactly these sources. */
export async function ensureNextBuild(root: string, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<void> {
  const fingerprint = buildFingerprint(root);
  if (isNextBuildFresh(root, fingerprint)) {
    log("production build is up to date");
    return;
  }
  const started = Date.now();
  log("building the web app (next build); later starts reuse it");
  await run("build", join(root, "node_modules", ".bin", "next"), ["build"], { ...env, NODE_ENV: "production" });
  writeFileSync(join(root, STAMP_FILE), fingerprint);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
