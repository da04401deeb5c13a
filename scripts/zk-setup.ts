/**
 * `npm run zk:setup -- --ptau <file>`: compiles circuits/reward_batch.circom and runs the Groth16 setup
 * against a powers-of-tau file (2^15 or more, phase 2 prepared), then writes the committed artifacts:
 *   circuits/build/reward_batch.wasm      witness generator
 *   circuits/build/reward_batch.zkey      proving key
 *   circuits/build/verification_key.json  verification key
 *   contracts/src/RewardBatchVerifier.sol snarkjs' Solidity verifier
 *   circuits/build/manifest.json          hashes of all of these plus the r1cs and the ptau
 * Run it after every circuit change, then `npm run contracts:build`. docs/rewards.md explains the ptau choice.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { BUILD_DIR, CIRCUIT_NAME, compileCircuit, MANIFEST_FILE, ROOT, sha256File, VERIFIER_FILE, type ZkManifest } from "./zk-circuit";

const SNARKJS = join(ROOT, "node_modules", "snarkjs", "build", "cli.cjs");

function snarkjs(...args: string[]): void {
  const result = spawnSync(process.execPath, [SNARKJS, ...args], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`snarkjs ${args[0]} ${args[1]} failed (exit ${result.status})`);
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const ptau = argument("--ptau");
if (!ptau) {
  console.error("usage: npm run zk:setup -- --ptau <powers-of-tau file, 2^15 or more, phase 2 prepared>");
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "zk-setup-"));
try {
  console.log("compiling the circuit (circom2, --O2)…");
  const { r1cs, wasm, output } = await compileCircuit(work);
  const constraints = Number(/non-linear constraints: (\d+)/.exec(output)?.[1] ?? "0") + Number(/(?<!non-)linear constraints: (\d+)/.exec(output)?.[1] ?? "0");
  console.log(`${constraints} constraints`);

  const zkey0 = join(work, "0.zkey");
  const zkeyFile = join(BUILD_DIR, `${CIRCUIT_NAME}.zkey`);
  snarkjs("groth16", "setup", r1cs, ptau, zkey0);
  // One phase-2 contribution with fresh entropy: enough for development; production runs a ceremony (docs/rewards.md).
  snarkjs("zkey", "contribute", zkey0, zkeyFile, "--name=DePIN Hub dev phase 2", `-e=${randomBytes(32).toString("hex")}`);
  const vkeyFile = join(BUILD_DIR, "verification_key.json");
  snarkjs("zkey", "export", "verificationkey", zkeyFile, vkeyFile);
  snarkjs("zkey", "export", "solidityverifier", zkeyFile, VERIFIER_FILE);
  // Name the contract after the circuit so it cannot clash with another verifier.
  writeFileSync(VERIFIER_FILE, readFileSync(VERIFIER_FILE, "utf8").replace("contract Groth16Verifier", "contract RewardBatchVerifier"));
  const wasmFile = join(BUILD_DIR, `${CIRCUIT_NAME}.wasm`);
  copyFileSync(wasm, wasmFile);

  const files = [wasmFile, zkeyFile, vkeyFile, VERIFIER_FILE];
  const manifest: ZkManifest = {
    circuit: `circuits/${CIRCUIT_NAME}.circom`,
    compiler: "circom2 (npm) --O2",
    constraints,
    batchSize: 16,
    sha256: {
      [`circuits/build/${CIRCUIT_NAME}.r1cs`]: sha256File(r1cs),
      ...Object.fromEntries(files.map((file) => [relative(ROOT, file), sha256File(file)])),
    },
    ptau: { file: basename(ptau), sha256: sha256File(ptau), power: 15 },
    createdAt: new Date().toISOString(),
  };
  writeFileSync(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`wrote ${relative(ROOT, MANIFEST_FILE)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
