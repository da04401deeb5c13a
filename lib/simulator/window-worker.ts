/** Worker-thread entry of parallel.ts: one signedWindow call, result posted back. */
import { parentPort, workerData } from "node:worker_threads";
import { signedWindow, type WindowRequest } from "./window";

parentPort?.postMessage(signedWindow(workerData as WindowRequest));
