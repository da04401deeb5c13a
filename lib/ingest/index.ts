/** Device telemetry protocol: wire format, canonical encoding, signatures, verification rules. */
export * from "./codes";
export * from "./encoding";
export * from "./fields";
export * from "./limits";
export * from "./message";
export * from "./sign";
export * from "./verify";
