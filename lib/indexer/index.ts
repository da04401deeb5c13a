import "server-only";

export { ChainIndexer, createIndexerJob, type BatchOutcome, type ChainIndexerOptions, type Reorg } from "./indexer";
export { defaultConfirmations, indexerSettings } from "./config";
