import { describe, expect, it } from "vitest";
import { parseServerEnv } from "../config/env";
import { indexerSettings } from "./config";

describe("indexerSettings", () => {
  it("waits for no confirmations on anvil and 12 elsewhere by default", () => {
    const env = parseServerEnv({});
    expect(indexerSettings(env, 31337)).toEqual({ confirmations: 0, batchBlocks: 1000 });
    expect(indexerSettings(env, 4690)).toEqual({ confirmations: 12, batchBlocks: 1000 });
  });

  it("uses INDEXER_CONFIRMATIONS and INDEXER_BATCH_BLOCKS when set", () => {
    const env = parseServerEnv({ INDEXER_CONFIRMATIONS: "3", INDEXER_BATCH_BLOCKS: "50" });
    expect(indexerSettings(env, 31337)).toEqual({ confirmations: 3, batchBlocks: 50 });
    expect(indexerSettings(parseServerEnv({ INDEXER_CONFIRMATIONS: "0" }), 4689).confirmations).toBe(0);
  });

  it("rejects negative confirmations and empty batches", () => {
    expect(() => parseServerEnv({ INDEXER_CONFIRMATIONS: "-1" })).toThrow(/INDEXER_CONFIRMATIONS/);
    expect(() => parseServerEnv({ INDEXER_BATCH_BLOCKS: "0" })).toThrow(/INDEXER_BATCH_BLOCKS/);
  });
});
