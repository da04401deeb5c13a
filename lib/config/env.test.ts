import { describe, expect, it } from "vitest";
import { parseServerEnv } from "./env";

describe("REWARD_EPOCH_LEASE_SECONDS", () => {
  it("defaults to 600 s, takes whole seconds from 1 and names itself when wrong", () => {
    expect(parseServerEnv({}).REWARD_EPOCH_LEASE_SECONDS).toBe(600);
    expect(parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "30" }).REWARD_EPOCH_LEASE_SECONDS).toBe(30);
    expect(() => parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "0" })).toThrow(/REWARD_EPOCH_LEASE_SECONDS/);
    expect(() => parseServerEnv({ REWARD_EPOCH_LEASE_SECONDS: "1.5" })).toThrow(/REWARD_EPOCH_LEASE_SECONDS/);
  });
});
