import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiffParams,
  DiffResult,
  SchemaEngine as WasmSchemaEngine,
} from "@prisma/schema-engine-wasm";
import * as wasmBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import { MigrationPgAdapterFactory } from "./migration-adapter";

/**
 * Prisma's schema engine compiled to WebAssembly: the same migration logic as
 * the native `prisma migrate` binary (which cannot be downloaded offline),
 * talking to PostgreSQL through the pg driver adapter.
 */

/** The subset of the engine we use, with the package's loose types pinned down. */
export interface SchemaEngine {
  applyMigrations(input: ApplyMigrationsInput): Promise<ApplyMigrationsOutput>;
  diff(params: DiffParams): Promise<DiffResult>;
  /** Frees the engine and closes every connection it opened. */
  close(): Promise<void>;
}

export interface SchemaFile {
  path: string;
  content: string;
}

export interface OpenSchemaEngineOptions {
  databaseUrl: string;
  schemaFiles: SchemaFile[];
  /** Engine log lines (JSON); ignored by default. */
  log?: (line: string) => void;
}

export async function openSchemaEngine(options: OpenSchemaEngineOptions): Promise<SchemaEngine> {
  await initialiseWasm();
  const connections = new MigrationPgAdapterFactory(options.databaseUrl);
  const log = options.log ?? (() => {});
  let engine: WasmSchemaEngine;
  try {
    engine = await wasmBindings.SchemaEngine.new(
      { datamodels: options.schemaFiles.map((file): [string, string] => [file.path, file.content]) },
      (line: string) => log(line),
      bindMigrationAwareSqlAdapterFactory(connections),
    );
  } catch (error) {
    await connections.closeAll();
    throw asError(error);
  }
  // The engine rejects with plain objects/strings; turn them into Errors with a readable message.
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw asError(error);
    }
  };
  return {
    applyMigrations: (input) => call(() => engine.applyMigrations(input)),
    diff: (params) => call(() => engine.diff(params)),
    close: async () => {
      engine.free();
      await connections.closeAll();
    },
  };
}

// Kept on globalThis: the wasm bindings are loaded through Node's require cache,
// which outlives this module when a test runner re-evaluates it per file, and
// starting the engine twice in one process traps ("FnOnce called more than once").
const WASM_READY = Symbol.for("depinhub.prismaSchemaEngineWasmReady");
const wasmState = globalThis as { [WASM_READY]?: Promise<void> };
let lastPanicMessage: string | undefined;

/** Instantiates the engine's .wasm once per process (the package's own entry needs a bundler's wasm import). */
function initialiseWasm(): Promise<void> {
  wasmState[WASM_READY] ??= (async () => {
    // The engine reports a Rust panic's message here just before it traps with a bare
    // "RuntimeError: unreachable" (often as an uncaught exception from a callback), so print it.
    Reflect.set(globalThis, "PRISMA_WASM_PANIC_REGISTRY", {
      set_message: (message: string) => {
        lastPanicMessage = message;
        process.stderr.write(`schema engine panicked: ${message}\n`);
      },
    });
    const bindingsPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await readFile(path.join(path.dirname(bindingsPath), "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": wasmBindings });
    wasmBindings.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (typeof start !== "function") throw new Error("schema engine wasm has no __wbindgen_start export");
    start();
  })();
  return wasmState[WASM_READY];
}

function asError(error: unknown): Error {
  if (error instanceof WebAssembly.RuntimeError && lastPanicMessage) {
    const panic = new Error(`schema engine panicked: ${lastPanicMessage}`, { cause: error });
    lastPanicMessage = undefined;
    return panic;
  }
  if (error instanceof Error) return error;
  if (typeof error === "string") return new Error(error);
  if (typeof error === "object" && error !== null) {
    const message: unknown = Reflect.get(error, "message");
    const wrapped = new Error(typeof message === "string" ? message : JSON.stringify(error));
    wrapped.cause = error;
    return wrapped;
  }
  return new Error(String(error));
}
