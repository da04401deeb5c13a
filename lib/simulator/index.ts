/** Device fleet simulator: deterministic models, signing, a live runner and on-chain registration. */
export * from "./cities";
export * from "./fleet";
export * from "./parallel";
export * from "./registration";
export * from "./runner";
export * from "./schedule";
export * from "./signer";
export * from "./telemetry";
export * from "./window";
