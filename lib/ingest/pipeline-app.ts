import "server-only";
import { serverEnv } from "../config/env";
import { createIngestDeps } from "./pipeline";
import { createClientLimiter, type HttpIngestDeps } from "./pipeline-http";
import { sharedIngestPool } from "./store";

/** The web app's ingest dependencies: one pool and one set of rate limiters per process. */
export function appHttpIngest(): HttpIngestDeps {
  const holder = globalThis as typeof globalThis & { __depinhubHttpIngest?: HttpIngestDeps };
  if (!holder.__depinhubHttpIngest) {
    const url = serverEnv().DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set: telemetry cannot be stored. Start the app with `npm start`.");
    holder.__depinhubHttpIngest = { ingest: createIngestDeps(sharedIngestPool(url)), clientLimiter: createClientLimiter() };
  }
  return holder.__depinhubHttpIngest;
}
