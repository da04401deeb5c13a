import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { FleetOptions } from "./fleet";
import { signedWindow, type DeviceWindow, type WindowTimings } from "./window";

/**
 * Generates and signs a fleet's readings for a time window on all cores:
 * signing (secp256k1, ~0.5 ms per message here) is the cost, and devices are
 * independent, so worker t takes devices t, t + T, t + 2T, …
 */

export interface ParallelWindowOptions {
  fleet: FleetOptions;
  fromMs: number;
  toMs: number;
  /** Worker threads; 0 signs on the calling thread. Default: every core. */
  threads?: number;
}

export interface ParallelWindowResult {
  /** In device index order. */
  devices: DeviceWindow[];
  /** Summed over threads (CPU time, not wall time). */
  timings: WindowTimings;
  wallMs: number;
}

const WORKER_URL = new URL("./window-worker.ts", import.meta.url).href;

function runWorker(data: unknown): Promise<ReturnType<typeof signedWindow>> {
  // Workers do not inherit tsx's loader (nor honour `--import tsx` on Node 20),
  // so the worker imports its TypeScript entry through tsx's API.
  const bootstrap = `import("tsx/esm/api").then(({ tsImport }) => tsImport(${JSON.stringify(WORKER_URL)}, ${JSON.stringify(import.meta.url)}))`;
  const worker = new Worker(bootstrap, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    worker.once("message", (result: ReturnType<typeof signedWindow>) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`window worker exited with code ${code}`));
    });
  });
}

export async function parallelSignedWindow(options: ParallelWindowOptions): Promise<ParallelWindowResult> {
  const threads = options.threads ?? availableParallelism();
  const started = performance.now();
  const base = { fleet: options.fleet, end: options.fleet.size, fromMs: options.fromMs, toMs: options.toMs };
  const parts =
    threads === 0
      ? [signedWindow({ ...base, first: 0, step: 1 })]
      : await Promise.all(Array.from({ length: threads }, (_, t) => runWorker({ ...base, first: t, step: threads })));
  const devices = parts.flatMap((part) => part.devices).sort((a, b) => a.index - b.index);
  const timings = parts.reduce(
    (sum, part) => ({
      fleetMs: sum.fleetMs + part.timings.fleetMs,
      generateMs: sum.generateMs + part.timings.generateMs,
      signMs: sum.signMs + part.timings.signMs,
    }),
    { fleetMs: 0, generateMs: 0, signMs: 0 },
  );
  return { devices, timings, wallMs: performance.now() - started };
}
