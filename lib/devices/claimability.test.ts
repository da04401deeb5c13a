import { zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import type { DevicePreview } from "./api-types";
import { claimBlocker } from "./claimability";

const someone = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const preview: DevicePreview = {
  address: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  registered: true,
  project: { name: "Demo", slug: "demo" },
  model: "AQ-Tracker v2",
  active: true,
  owner: null,
  claimedAt: null,
  lastSeenAt: null,
};
const chain = { projectId: 1n, active: true, owner: zeroAddress, nonce: 0n } as const;

describe("claimBlocker", () => {
  it("lets a registered, active, unowned device through", () => {
    expect(claimBlocker(preview, chain)).toBeNull();
  });
  it("names each blocker from the chain read", () => {
    expect(claimBlocker(preview, { ...chain, projectId: 0n })).toBe("not_registered");
    expect(claimBlocker(preview, { ...chain, owner: someone })).toBe("already_claimed");
    expect(claimBlocker(preview, { ...chain, active: false })).toBe("inactive");
  });
  it("prefers the chain over a lagging index", () => {
    expect(claimBlocker({ ...preview, owner: someone }, chain)).toBeNull();
  });
  it("falls back to the index while the chain read is loading", () => {
    expect(claimBlocker({ ...preview, registered: false }, undefined)).toBe("not_registered");
    expect(claimBlocker({ ...preview, owner: someone }, undefined)).toBe("already_claimed");
    expect(claimBlocker({ ...preview, active: false }, undefined)).toBe("inactive");
    expect(claimBlocker(undefined, undefined)).toBeNull();
  });
});
