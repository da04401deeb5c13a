import { join } from "node:path";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  hashTypedData,
  http,
  stringToHex,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceRegistryAbi, projectRegistryAbi } from "../../../lib/chain/abi.generated";
import { claimTypedData } from "../../../lib/devices/claim-typed-data";
import { ensureDeployed, LOCAL_DEV_PRIVATE_KEY, type Deployment } from "../../../lib/chain/deploy";
import { anvilPool, tempDir } from "./helpers";

const anvils = anvilPool();
const dir = tempDir();
const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const owner = privateKeyToAccount(generatePrivateKey());
let rpcUrl: string;
let deployment: Deployment;
let projectId: bigint;

const publicClient = () => createPublicClient({ transport: http(rpcUrl) });
const adminWallet = () => createWalletClient({ account: admin, transport: http(rpcUrl) });

beforeAll(async () => {
  rpcUrl = (await anvils.start()).rpcUrl;
  deployment = await ensureDeployed({ rpcUrl, deploymentsFile: join(dir.path, "deployments.json") });
  const { request, result } = await publicClient().simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Integration", "ipfs://integration", zeroAddress],
  });
  await publicClient().waitForTransactionReceipt({ hash: await adminWallet().writeContract(request) });
  projectId = result;
});

afterAll(async () => {
  await anvils.stopAll();
  dir.remove();
});

async function registerDevices(devices: Array<{ device: Address; claimKey?: Address }>) {
  const hash = await adminWallet().writeContract({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [projectId, devices.map(({ device, claimKey }) => ({ device, model: stringToHex("AQ-Tracker v2", { size: 32 }), claimKey: claimKey ?? zeroAddress }))],
  });
  return publicClient().waitForTransactionReceipt({ hash });
}

async function signClaim(signerKey: Hex, device: Address, claimOwner: Address, deadline: bigint): Promise<Hex> {
  const info = await publicClient().readContract({
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "deviceInfo",
    args: [device],
  });
  return privateKeyToAccount(signerKey).signTypedData(claimTypedData({ chainId: deployment.chainId, registry: deployment.contracts.DeviceRegistry, owner: claimOwner, device, nonce: info.nonce, deadline }));
}

/** Submits a claim from the admin account (any relayer may); resolves with the receipt. */
async function submitClaim(device: Address, claimOwner: Address, deadline: bigint, signature: Hex) {
  const { request } = await publicClient().simulateContract({
    account: admin,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "claim",
    args: [device, claimOwner, deadline, signature],
  });
  return publicClient().waitForTransactionReceipt({ hash: await adminWallet().writeContract(request) });
}

function revertName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : undefined;
}

const inOneHour = () => BigInt(Math.floor(Date.now() / 1000) + 3600);

describe("DeviceRegistry on anvil", () => {
  it("claims a registered device with a viem-signed EIP-712 signature", async () => {
    const deviceKey = generatePrivateKey();
    const device = privateKeyToAccount(deviceKey).address;
    await registerDevices([{ device }]);

    const deadline = inOneHour();
    const onChainDigest = await publicClient().readContract({
      address: deployment.contracts.DeviceRegistry,
      abi: deviceRegistryAbi,
      functionName: "claimDigest",
      args: [owner.address, device, 0n, deadline],
    });
    expect(onChainDigest).toBe(
      hashTypedData(claimTypedData({ chainId: deployment.chainId, registry: deployment.contracts.DeviceRegistry, owner: owner.address, device, nonce: 0n, deadline })),
    );

    const receipt = await submitClaim(device, owner.address, deadline, await signClaim(deviceKey, device, owner.address, deadline));
    expect(receipt.status).toBe("success");
    console.log(`claim: ${receipt.gasUsed} gas (whole transaction)`);
    expect(receipt.gasUsed).toBeLessThan(120_000n);

    const info = await publicClient().readContract({ address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [device] });
    expect(info).toMatchObject({ projectId, owner: owner.address, nonce: 1n, active: true, claimKey: zeroAddress });
    const tokenOwner = await publicClient().readContract({
      address: deployment.contracts.DeviceRegistry,
      abi: deviceRegistryAbi,
      functionName: "ownerOf",
      args: [BigInt(device)],
    });
    expect(tokenOwner).toBe(owner.address);
  });

  it("claims with the registered claim key", async () => {
    const device = privateKeyToAccount(generatePrivateKey()).address;
    const claimKey = generatePrivateKey();
    await registerDevices([{ device, claimKey: privateKeyToAccount(claimKey).address }]);
    const deadline = inOneHour();
    const receipt = await submitClaim(device, owner.address, deadline, await signClaim(claimKey, device, owner.address, deadline));
    expect(receipt.status).toBe("success");
  });

  it("rejects a signature from a key that is not the device's", async () => {
    const device = privateKeyToAccount(generatePrivateKey()).address;
    await registerDevices([{ device }]);
    const deadline = inOneHour();
    const forged = await signClaim(generatePrivateKey(), device, owner.address, deadline);
    const error = await submitClaim(device, owner.address, deadline, forged).catch((e: unknown) => e);
    expect(revertName(error)).toBe("InvalidClaimSignature");
  });

  it("rejects an expired claim", async () => {
    const deviceKey = generatePrivateKey();
    const device = privateKeyToAccount(deviceKey).address;
    await registerDevices([{ device }]);
    const expired = 1n;
    const error = await submitClaim(device, owner.address, expired, await signClaim(deviceKey, device, owner.address, expired)).catch((e: unknown) => e);
    expect(revertName(error)).toBe("ClaimExpired");
  });

  it("reports registration gas for batches of 10 and 100", async () => {
    for (const size of [10, 100]) {
      const devices = Array.from({ length: size }, () => ({ device: privateKeyToAccount(generatePrivateKey()).address }));
      const receipt = await registerDevices(devices);
      expect(receipt.status).toBe("success");
      console.log(`registerDevices(${size}): ${receipt.gasUsed} gas, ${receipt.gasUsed / BigInt(size)} per device`);
    }
  });
});
