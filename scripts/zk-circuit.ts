/**
 * Shared by `npm run zk:setup` and the circuit's unit test: where the reward circuit and its committed
 * artifacts live, how to compile it (circom2, WebAssembly from npm) and how to hash the outputs.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const ROOT = process.cwd();
export const CIRCUIT_NAME = "reward_batch";
export const CIRCUIT_SOURCE = join(ROOT, "circuits", `${CIRCUIT_NAME}.circom`);
export const BUILD_DIR = join(ROOT, "circuits", "build");
export const MANIFEST_FILE = join(BUILD_DIR, "manifest.json");
export const VERIFIER_FILE = join(ROOT, "contracts", "src", "RewardBatchVerifier.sol");

export interface ZkManifest {
  circuit: string;
  compiler: string;
  constraints: number;
  batchSize: number;
  /** sha256 (hex) of each file, paths relative to the repository root. */
  sha256: Record<string, string>;
  ptau: { file: string; sha256: string; power: number };
  createdAt: string;
}

export function sha256File(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/**
 * Compiles the circuit into `outDir` (r1cs + wasm witness generator); returns their paths and the compiler output.
 * Asynchronous on purpose: compiling takes minutes on a busy machine and must not block the caller's event loop.
 */
export async function compileCircuit(outDir: string): Promise<{ r1cs: string; wasm: string; output: string }> {
  const args = [join(ROOT, "node_modules", "circom2", "cli.js"), CIRCUIT_SOURCE, "--r1cs", "--wasm", "--O2", "-o", outDir];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { r1cs: join(outDir, `${CIRCUIT_NAME}.r1cs`), wasm: join(outDir, `${CIRCUIT_NAME}_js`, `${CIRCUIT_NAME}.wasm`), output: stdout };
}

export function readManifest(): ZkManifest {
  return JSON.parse(readFileSync(MANIFEST_FILE, "utf8")) as ZkManifest;
}
