import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { groth16 } from "snarkjs";
import { afterAll, describe, expect, it } from "vitest";
import { compileCircuit, readManifest, ROOT, sha256File } from "../../scripts/zk-circuit";
import type { RewardPolicyParams } from "../rewards/policy";
import { buildBatchWitness, type BatchSlot } from "./batch";
import { proveBatch, verifyBatchProof, ZK_ARTIFACTS } from "./prover";
import { BATCH_SIZE, EMPTY_BATCH_ROOT } from "./tree";

const policy: RewardPolicyParams = { version: 1, basePerMinute: 10n ** 15n, minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: 10n ** 18n };
const slots: BatchSlot[] = Array.from({ length: BATCH_SIZE }, (_, i) => ({
  device: 0x1000n + BigInt(i),
  inputs: { onlineMinutes: 60 * (i + 1), qualityScore: (i * 7) % 101, underserved: i % 3 === 0, inDemand: i % 4 === 0, active: i !== 5 },
  prevCumulative: i % 2 === 0 ? 0n : BigInt(i) * 10n ** 15n,
}));

describe("committed zk artifacts", () => {
  const work = mkdtempSync(join(tmpdir(), "zk-test-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("the circuit compiles today to the r1cs and wasm recorded in the manifest", async () => {
    const manifest = readManifest();
    const { r1cs, wasm } = await compileCircuit(work);
    expect(sha256File(r1cs)).toBe(manifest.sha256["circuits/build/reward_batch.r1cs"]);
    expect(sha256File(wasm)).toBe(manifest.sha256["circuits/build/reward_batch.wasm"]);
    for (const file of ["circuits/build/reward_batch.wasm", "circuits/build/reward_batch.zkey", "circuits/build/verification_key.json", "contracts/src/RewardBatchVerifier.sol"]) {
      expect(sha256File(join(ROOT, file)), file).toBe(manifest.sha256[file]);
    }
  }, 600_000);

  it("proves a scaled batch with the committed key and verifies it; a changed public signal fails", async () => {
    // Σraw of this batch alone is far above the budget, so every amount is scaled.
    const witness = buildBatchWitness({ epoch: 7n, policy, epochRaw: 10n ** 20n, slots });
    const proof = await proveBatch(witness);
    expect(await verifyBatchProof(proof.proof, proof.publicSignals)).toBe(true);
    const tampered = [...proof.publicSignals];
    tampered[6] = tampered[6]! + 1n; // batchPaid
    expect(await verifyBatchProof(proof.proof, tampered)).toBe(false);
    expect(witness.publicSignals.batchPaid <= policy.epochBudget).toBe(true);
  }, 120_000);

  it("has no witness for amounts that do not follow the policy", async () => {
    const witness = buildBatchWitness({ epoch: 1n, policy, epochRaw: 0n, slots: slots.map((slot) => ({ ...slot, prevCumulative: 0n })) });
    expect(witness.publicSignals.prevRoot).toBe(EMPTY_BATCH_ROOT);
    const inflated = { ...witness.input, batchPaid: (witness.publicSignals.batchPaid + 1n).toString() };
    await expect(groth16.fullProve(inflated, ZK_ARTIFACTS.wasm, ZK_ARTIFACTS.zkey)).rejects.toThrow();
  }, 120_000);
});
