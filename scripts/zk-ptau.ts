/**
 * `npm run zk:ptau -- [--out file]`: a development powers-of-tau (bn128, 2^15 = 32,768 constraints) with one
 * random contribution. About 9 minutes on 2 cores (phase 2 preparation dominates). NOT for production: use a
 * public ceremony file instead (docs/rewards.md). Never run it in tests or CI.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const SNARKJS = join(process.cwd(), "node_modules", "snarkjs", "build", "cli.cjs");
const outIndex = process.argv.indexOf("--out");
const out = resolve((outIndex >= 0 ? process.argv[outIndex + 1] : undefined) ?? ".data/zk/pot15_final.ptau");

function snarkjs(...args: string[]): void {
  const result = spawnSync(process.execPath, [SNARKJS, ...args], { stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`snarkjs ${args.slice(0, 2).join(" ")} failed (exit ${result.status})`);
}

const work = mkdtempSync(join(tmpdir(), "zk-ptau-"));
try {
  spawnSync("mkdir", ["-p", resolve(out, "..")]);
  snarkjs("powersoftau", "new", "bn128", "15", join(work, "0.ptau"));
  snarkjs("powersoftau", "contribute", join(work, "0.ptau"), join(work, "1.ptau"), "--name=DePIN Hub dev", `-e=${randomBytes(32).toString("hex")}`);
  snarkjs("powersoftau", "prepare", "phase2", join(work, "1.ptau"), out);
  console.log(`wrote ${out}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
