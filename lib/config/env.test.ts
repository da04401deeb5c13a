import { describe, expect, it } from "vitest";
import { parseServerEnv } from "./env";

describe("REWARD_EPOCH_LEASE_SECONDS", () => {
  it("defaults to 60 s, takes whole seconds from 1 and names itself when wrong", () => {
    expect(parseServerEnv({}).REWARD_EPOCH_LEASE_SECONDS).toBe(60);
    expect(parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "30" }).REWARD_EPOCH_LEASE_SECONDS).toBe(30);
    expect(() => parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "0" })).toThrow(/REWARD_EPOCH_LEASE_SECONDS/);
    expect(() => parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "1.5" })).toThrow(/REWARD_EPOCH_LEASE_SECONDS/);
  });
});

describe("REWARD_EPOCH_SETTLE_SECONDS", () => {
  it("is unset by default (the worker derives it from the epoch), takes whole seconds from 0 and names itself when wrong", () => {
    expect(parseServerEnv({}).REWARD_EPOCH_SETTLE_SECONDS).toBeUndefined();
    expect(parseServerEnv({ REWARD_EPOCH_SETTLE_SECONDS: "0" }).REWARD_EPOCH_SETTLE_SECONDS).toBe(0);
    expect(parseServerEnv({ REWARD_EPOCH_SETTLE_SECONDS: "900" }).REWARD_EPOCH_SETTLE_SECONDS).toBe(900);
    expect(() => parseServerEnv({ REWARD_EPOCH_SETTLE_SECONDS: "-1" })).toThrow(/REWARD_EPOCH_SETTLE_SECONDS/);
    expect(() => parseServerEnv({ REWARD_EPOCH_SETTLE_SECONDS: "2.5" })).toThrow(/REWARD_EPOCH_SETTLE_SECONDS/);
  });
});
