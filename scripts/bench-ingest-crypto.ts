/**
 * Throughput of the crypto behind telemetry ingestion (lib/ingest): canonical
 * encoding + digest, and secp256k1 public-key recovery, on one core and on all
 * cores (worker_threads). Prints figures only; asserts nothing.
 *
 *   npm run bench:ingest-crypto [-- --seconds 3]
 */
import { availableParallelism } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { secp256k1 } from "@noble/curves/secp256k1";
import { keccak256, recoverAddress, type Hex } from "viem";
import { privateKeyToAddress } from "viem/accounts";
import { telemetryDigest } from "../lib/ingest/encoding";
import { type SignedTelemetryMessage } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { verifyTelemetrySignature } from "../lib/ingest/verify";

const OPERATIONS = {
  "encode + digest (telemetryDigest)": async (m: SignedTelemetryMessage) => void telemetryDigest(m),
  "recover: viem recoverAddress": async (m: SignedTelemetryMessage, digest: Hex) =>
    void (await recoverAddress({ hash: digest, signature: m.signature })),
  "recover: @noble/curves direct": async (m: SignedTelemetryMessage, digest: Hex) => {
    const v = Number.parseInt(m.signature.slice(130), 16) - 27;
    const signature = secp256k1.Signature.fromCompact(m.signature.slice(2, 130)).addRecoveryBit(v);
    void keccak256(signature.recoverPublicKey(digest.slice(2)).toRawBytes(false).subarray(1));
  },
  "verifyTelemetrySignature (what ingest uses)": async (m: SignedTelemetryMessage) => void verifyTelemetrySignature(m),
} as const;
type OperationName = keyof typeof OPERATIONS;

const KEY: Hex = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

async function sampleMessages(count: number): Promise<{ message: SignedTelemetryMessage; digest: Hex }[]> {
  const device = privateKeyToAddress(KEY);
  const samples = [];
  for (let i = 0; i < count; i++) {
    const message = await signTelemetry(KEY, {
      device,
      sequence: BigInt(i + 1),
      timestamp: 1_767_225_600_000 + i * 60_000,
      position: { latE6: 52_520_008 + i, lonE6: 13_404_954 - i, accuracyCm: 350 },
      temperatureCentiC: 2_150 + (i % 100),
      pm25DeciUgM3: 123 + i,
      batteryPct: 90,
      firmware: "aq-tracker/1.4.2",
    });
    samples.push({ message, digest: telemetryDigest(message) });
  }
  return samples;
}

/** Runs one operation in a loop for `seconds` and returns operations per second. */
async function measure(name: OperationName, seconds: number): Promise<number> {
  const samples = await sampleMessages(64);
  const operation = OPERATIONS[name];
  for (let i = 0; i < 20; i++) await operation(samples[i % samples.length]!.message, samples[i % samples.length]!.digest); // warm-up
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < 16; i++, count++) {
      const sample = samples[count % samples.length]!;
      await operation(sample.message, sample.digest);
    }
  }
  return count / ((performance.now() - start) / 1000);
}

function inWorker(name: OperationName, seconds: number): Promise<number> {
  // The same file re-run in a worker. Workers do not inherit tsx's loader (nor honour
  // `--import tsx` on Node 20), so the worker imports this file through tsx's API.
  const bootstrap = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(import.meta.url)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { name, seconds } });
  return new Promise((resolve, reject) => {
    worker.once("message", (rate: number) => resolve(rate));
    worker.once("error", reject);
  });
}

async function main(): Promise<void> {
  const secondsFlag = process.argv.indexOf("--seconds");
  const seconds = secondsFlag > 0 ? Number(process.argv[secondsFlag + 1]) : 3;
  const threads = availableParallelism();
  console.log(`node ${process.version}, ${threads} cores (os.availableParallelism), ${seconds} s per measurement\n`);

  const rows: { operation: string; threads: number; "ops/s": string; "µs/op (per thread)": string }[] = [];
  for (const name of Object.keys(OPERATIONS) as OperationName[]) {
    const single = await measure(name, seconds);
    rows.push({ operation: name, threads: 1, "ops/s": single.toFixed(0), "µs/op (per thread)": (1e6 / single).toFixed(1) });
    const rates = await Promise.all(Array.from({ length: threads }, () => inWorker(name, seconds)));
    const total = rates.reduce((sum, rate) => sum + rate, 0);
    rows.push({ operation: name, threads, "ops/s": total.toFixed(0), "µs/op (per thread)": ((1e6 * threads) / total).toFixed(1) });
  }
  console.table(rows);
}

if (isMainThread) {
  await main();
} else {
  const { name, seconds } = workerData as { name: OperationName; seconds: number };
  parentPort?.postMessage(await measure(name, seconds));
}
