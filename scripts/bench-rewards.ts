/**
 * Reward epoch figures (docs/rewards.md). Prints figures only; asserts nothing.
 *
 *   npm run bench:rewards [-- --sizes 1000,10000,100000 --trees-up-to 10000 --prove 3 --no-gas]
 *
 * - epoch computation: policy for every device + every batch's witness, inputs commitment and both Merkle roots
 *   (what the worker does before proving), for each fleet size: wall time and heap/RSS growth;
 * - proving: `--prove` batch proofs (16 slots) with the committed key: time per batch and per device;
 * - gas: forge's measured gas of submitBatch, finalizeEpoch and claim on real proofs (RewardDistributor.t.sol).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { foundryBinary } from "../lib/chain/foundry-bin";
import { buildBatchWitness, type BatchSlot } from "../lib/proofs/batch";
import { proveBatch } from "../lib/proofs/prover";
import { BATCH_SIZE } from "../lib/proofs/tree";
import { computeEpochRewards, type DeviceEpochInputs, type RewardPolicyParams } from "../lib/rewards/policy";

function option(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}
const sizes = (option("--sizes") ?? "1000,10000,100000").split(",").map(Number);
const proofs = Number(option("--prove") ?? "3");
// Poseidon in JS (poseidon-lite, BigInt) dominates witness building; above this size it is extrapolated linearly.
const treesUpTo = Number(option("--trees-up-to") ?? "10000");
const policy: RewardPolicyParams = { version: 1, basePerMinute: 10n ** 15n, minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: 10n ** 21n };

function fleet(size: number): { device: bigint; inputs: DeviceEpochInputs; prevCumulative: bigint }[] {
  return Array.from({ length: size }, (_, i) => ({
    device: 0x1000000000000000000000000000000000000000n + BigInt(i),
    inputs: { onlineMinutes: (i * 37) % 1441, qualityScore: (i * 13) % 101, underserved: i % 5 === 0, inDemand: i % 7 === 0, active: i % 50 !== 0 },
    prevCumulative: BigInt(i) * 10n ** 12n,
  }));
}

function computeEpoch(size: number) {
  const devices = fleet(size);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const rewards = computeEpochRewards(policy, devices.map((d) => d.inputs));
  const policySeconds = (performance.now() - started) / 1000;
  const witnesses = [];
  const treeDevices = Math.min(size, treesUpTo);
  for (let start = 0; start < treeDevices; start += BATCH_SIZE) {
    const slots: BatchSlot[] = devices.slice(start, start + BATCH_SIZE);
    witnesses.push(buildBatchWitness({ epoch: 1n, policy, epochRaw: rewards.rawTotal, slots }));
  }
  const treeSeconds = ((performance.now() - started) / 1000 - policySeconds) * (size / treeDevices);
  const usage = process.memoryUsage();
  return { size, batches: Math.ceil(size / BATCH_SIZE), policySeconds, treeSeconds, extrapolated: treeDevices < size, heapMb: (usage.heapUsed - heapBefore) / 2 ** 20, rssMb: (usage.rss - rssBefore) / 2 ** 20, witnesses };
}

console.log("epoch computation, one core: policy (lib/rewards/policy.ts) + batch witnesses, commitments and roots (Poseidon)");
let sample: ReturnType<typeof computeEpoch>["witnesses"] = [];
for (const size of sizes) {
  const result = computeEpoch(size);
  console.log(
    `  ${String(size).padStart(7)} devices, ${String(result.batches).padStart(5)} batches: policy ${result.policySeconds.toFixed(3)} s, witnesses+trees ${result.treeSeconds.toFixed(1)} s${result.extrapolated ? ` (extrapolated from ${treesUpTo})` : ""}, heap +${result.heapMb.toFixed(0)} MiB, rss +${result.rssMb.toFixed(0)} MiB`,
  );
  if (sample.length === 0) sample = result.witnesses.slice(0, Math.max(proofs, 1));
}

if (proofs > 0) {
  console.log(`proving (groth16, ${BATCH_SIZE} slots per batch, committed key)`);
  const times: number[] = [];
  for (const witness of sample.slice(0, proofs)) times.push((await proveBatch(witness)).provingMs);
  const steady = times.length > 1 ? times.slice(1) : times;
  const mean = steady.reduce((a, b) => a + b, 0) / steady.length;
  console.log(`  first batch ${(times[0]! / 1000).toFixed(2)} s (loads the key); then ${(mean / 1000).toFixed(2)} s per batch, ${(mean / BATCH_SIZE).toFixed(0)} ms per device`);
  for (const size of sizes) console.log(`  ${size} devices ≈ ${((mean * Math.ceil(size / BATCH_SIZE)) / 1000 / 60).toFixed(1)} min of proving on one process`);
}

if (!process.argv.includes("--no-gas")) {
  console.log("gas (forge, real proofs: contracts/test/RewardDistributor.t.sol)");
  const result = spawnSync(foundryBinary("forge"), ["test", "--match-test", "RecordsGas|ClaimMany", "-vv"], { cwd: join(process.cwd(), "contracts"), encoding: "utf8" });
  const lines = result.stdout.split("\n").filter((line) => line.includes("gas "));
  console.log(lines.length ? lines.map((line) => `  ${line.trim()}`).join("\n") : `  forge failed: ${result.stderr.slice(0, 500)}`);
}
// snarkjs keeps its curve worker threads alive; exit explicitly.
process.exit(0);
