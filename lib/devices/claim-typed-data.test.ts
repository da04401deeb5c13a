import { hashTypedData, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { claimArgs, claimTypedData, deadlineAfter } from "./claim-typed-data";

const registry = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const owner = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
const deviceKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const device = privateKeyToAccount(deviceKey).address;

describe("claim typed data", () => {
  const params = { chainId: 31337, registry, owner, device, nonce: 3n, deadline: 1_900_000_000n } as const;

  it("uses DeviceRegistry's EIP-712 domain and Claim type", () => {
    const typed = claimTypedData(params);
    expect(typed.domain).toEqual({ name: "DePIN Hub DeviceRegistry", version: "1", chainId: 31337, verifyingContract: registry });
    expect(typed.types.Claim.map((field) => `${field.type} ${field.name}`)).toEqual(["address owner", "address device", "uint256 nonce", "uint256 deadline"]);
    expect(typed.message).toEqual({ owner, device, nonce: 3n, deadline: 1_900_000_000n });
  });

  it("is signed by a local key and recovers to it", async () => {
    const typed = claimTypedData(params);
    const signature = await privateKeyToAccount(deviceKey).signTypedData(typed);
    expect(await recoverTypedDataAddress({ ...typed, signature })).toBe(device);
    expect(claimArgs(params, signature)).toEqual([device, owner, 1_900_000_000n, signature]);
  });

  it("binds chain, registry, owner and nonce (changing any changes the digest)", () => {
    const base = hashTypedData(claimTypedData(params));
    expect(hashTypedData(claimTypedData({ ...params, chainId: 4690 }))).not.toBe(base);
    expect(hashTypedData(claimTypedData({ ...params, nonce: 4n }))).not.toBe(base);
    expect(hashTypedData(claimTypedData({ ...params, owner: device }))).not.toBe(base);
    expect(hashTypedData(claimTypedData({ ...params, registry: owner }))).not.toBe(base);
  });

  it("computes deadlines in whole unix seconds", () => {
    expect(deadlineAfter(new Date("2026-01-01T00:00:00.900Z"), 600)).toBe(1_767_225_600n + 600n);
  });
});
