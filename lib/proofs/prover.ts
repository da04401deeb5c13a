import "server-only";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { groth16, type Groth16Proof } from "snarkjs";
import { publicSignalsArray, type BatchWitness } from "./batch";

/** The committed artifacts of `npm run zk:setup` (circuits/build, manifest.json lists their hashes). */
export const ZK_ARTIFACTS = {
  wasm: join(process.cwd(), "circuits", "build", "reward_batch.wasm"),
  zkey: join(process.cwd(), "circuits", "build", "reward_batch.zkey"),
  verificationKey: join(process.cwd(), "circuits", "build", "verification_key.json"),
};

/** A Groth16 proof in the shape RewardBatchVerifier.verifyProof / RewardDistributor.submitBatch take. */
export interface SolidityProof {
  a: readonly [bigint, bigint];
  b: readonly [readonly [bigint, bigint], readonly [bigint, bigint]];
  c: readonly [bigint, bigint];
}

export interface BatchProof {
  proof: Groth16Proof;
  solidity: SolidityProof;
  publicSignals: bigint[];
  provingMs: number;
}

export class ProofMismatchError extends Error {
  override name = "ProofMismatchError";
}

/** Proves one batch; throws if the circuit's public signals differ from what lib/proofs computed (a policy/circuit drift). */
export async function proveBatch(witness: BatchWitness): Promise<BatchProof> {
  const started = performance.now();
  const { proof, publicSignals } = await groth16.fullProve(witness.input, ZK_ARTIFACTS.wasm, ZK_ARTIFACTS.zkey);
  const provingMs = performance.now() - started;
  const expected = publicSignalsArray(witness.publicSignals).map(String);
  if (publicSignals.length !== expected.length || publicSignals.some((value, i) => value !== expected[i])) {
    throw new ProofMismatchError(`circuit public signals ${publicSignals.join(",")} differ from the computed ${expected.join(",")}`);
  }
  return { proof, solidity: toSolidityProof(proof), publicSignals: publicSignals.map(BigInt), provingMs };
}

let verificationKey: unknown;

/** Off-chain check with the committed verification key (the same key the Solidity verifier embeds). */
export async function verifyBatchProof(proof: Groth16Proof, publicSignals: readonly bigint[]): Promise<boolean> {
  verificationKey ??= JSON.parse(readFileSync(ZK_ARTIFACTS.verificationKey, "utf8"));
  return groth16.verify(verificationKey, publicSignals.map(String), proof);
}

/** snarkjs' proof → Solidity calldata; G2 coordinates are swapped (the precompile's order). */
export function toSolidityProof(proof: Groth16Proof): SolidityProof {
  return {
    a: [BigInt(proof.pi_a[0]!), BigInt(proof.pi_a[1]!)],
    b: [
      [BigInt(proof.pi_b[0]![1]!), BigInt(proof.pi_b[0]![0]!)],
      [BigInt(proof.pi_b[1]![1]!), BigInt(proof.pi_b[1]![0]!)],
    ],
    c: [BigInt(proof.pi_c[0]!), BigInt(proof.pi_c[1]!)],
  };
}

/**
 * Stops the worker threads snarkjs keeps for later proofs (ffjavascript caches its bn128 curve in
 * globalThis.curve_bn128); while they run, a process whose work is done never exits, e.g. a worker after SIGTERM.
 */
export async function releaseProver(): Promise<void> {
  const cached = globalThis as { curve_bn128?: { terminate(): Promise<void> } | null };
  await cached.curve_bn128?.terminate();
}
