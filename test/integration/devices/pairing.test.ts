import { createPublicClient, createWalletClient, http, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { anvil } from "viem/chains";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deviceRegistryAbi, projectRegistryAbi } from "@/lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "@/lib/chain/deploy";
import { readDeployment, type Deployment } from "@/lib/chain/deployments";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";
import { createDeviceChainReader } from "@/lib/devices/chain";
import { claimTypedData } from "@/lib/devices/claim-typed-data";
import { getOwnerPairing, pendingPairingForDevice, requestPairing, submitDeviceSignature, type PairingDeps } from "@/lib/devices/pairing";
import type { DevicePairingRequest } from "@/lib/devices/api-types";

const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const owner = privateKeyToAccount(generatePrivateKey()).address;
const stranger = privateKeyToAccount(generatePrivateKey()).address;

let db: PrismaClient;
let deployment: Deployment;
let deps: PairingDeps;
let projectId: bigint;

const rpc = () => http(inject("rpcUrl"));
const publicClient = () => createPublicClient({ chain: anvil, transport: rpc() });
const adminWallet = () => createWalletClient({ account: admin, chain: anvil, transport: rpc() });

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  const found = readDeployment(inject("deploymentsFile"), anvil.id);
  if (!found) throw new Error("no deployment for the integration chain");
  deployment = found;
  deps = { db, chain: createDeviceChainReader({ rpcUrl: inject("rpcUrl"), chainId: anvil.id, registry: deployment.contracts.DeviceRegistry }) };
  const { request, result } = await publicClient().simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Pairing tests", "", zeroAddress],
  });
  await publicClient().waitForTransactionReceipt({ hash: await adminWallet().writeContract(request) });
  projectId = result;
});

afterAll(async () => {
  await db.$disconnect();
});

/** Registers a fresh device (optionally with a claim key) and returns its key. */
async function newDevice(claimKey?: Address): Promise<{ key: Hex; address: Address }> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  const hash = await adminWallet().writeContract({
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [projectId, [{ device: address, model: stringToHex("AQ-Tracker v2", { size: 32 }), claimKey: claimKey ?? zeroAddress }]],
  });
  await publicClient().waitForTransactionReceipt({ hash });
  return { key, address };
}

/** Signs what GET /api/v1/devices/<address>/pairing hands the device, as firmware would. */
function signPending(key: Hex, pending: DevicePairingRequest): Promise<Hex> {
  const { domain, message } = pending.typedData;
  return privateKeyToAccount(key).signTypedData(
    claimTypedData({ chainId: domain.chainId, registry: domain.verifyingContract, owner: message.owner, device: message.device, nonce: BigInt(message.nonce), deadline: BigInt(message.deadline) }),
  );
}

describe("device pairing", () => {
  it("request → device signs → verified signature claims the device on-chain", async () => {
    const device = await newDevice();
    const pairing = await requestPairing(deps, { owner, device: device.address });
    expect(pairing).toMatchObject({ owner, device: device.address, status: "waiting", claim: null });
    expect(new Date(pairing.expiresAt).getTime() - Date.now()).toBeGreaterThan(9 * 60_000);

    const pending = await pendingPairingForDevice(deps, device.address);
    expect(pending).toMatchObject({ pairingId: pairing.id, typedData: { message: { owner, device: device.address, nonce: "0" } } });
    const signature = await signPending(device.key, pending!);
    const signed = await submitDeviceSignature(deps, { device: device.address, pairingId: pairing.id, signature });
    expect(signed.status).toBe("signed");
    expect(await pendingPairingForDevice(deps, device.address)).toBeNull();

    // The owner polls it, then any wallet can send the claim it carries.
    const view = await getOwnerPairing(deps, { id: pairing.id, owner });
    expect(view.claim).toMatchObject({ nonce: "0", signature });
    const { request } = await publicClient().simulateContract({
      account: admin,
      address: deployment.contracts.DeviceRegistry,
      abi: deviceRegistryAbi,
      functionName: "claim",
      args: [device.address, owner, BigInt(view.claim!.deadline), view.claim!.signature],
    });
    await publicClient().waitForTransactionReceipt({ hash: await adminWallet().writeContract(request) });
    expect((await deps.chain.deviceInfo(device.address)).owner).toBe(owner);

    // A claimed device cannot be paired again.
    await expect(requestPairing(deps, { owner: stranger, device: device.address })).rejects.toMatchObject({ code: "already_claimed", status: 409 });
  });

  it("accepts the registered claim key as signer", async () => {
    const claimKey = generatePrivateKey();
    const device = await newDevice(privateKeyToAccount(claimKey).address);
    const pairing = await requestPairing(deps, { owner, device: device.address });
    const signature = await signPending(claimKey, (await pendingPairingForDevice(deps, device.address))!);
    expect((await submitDeviceSignature(deps, { device: device.address, pairingId: pairing.id, signature })).status).toBe("signed");
  });

  it("rejects a signature from a key that is neither the device's nor its claim key", async () => {
    const device = await newDevice();
    const pairing = await requestPairing(deps, { owner, device: device.address });
    const forged = await signPending(generatePrivateKey(), (await pendingPairingForDevice(deps, device.address))!);
    await expect(submitDeviceSignature(deps, { device: device.address, pairingId: pairing.id, signature: forged })).rejects.toMatchObject({ code: "invalid_signature", status: 400 });
    // A signature over another owner is rejected too: the owner is bound.
    const pending = (await pendingPairingForDevice(deps, device.address))!;
    const otherOwner = await signPending(device.key, { ...pending, typedData: { ...pending.typedData, message: { ...pending.typedData.message, owner: stranger } } });
    await expect(submitDeviceSignature(deps, { device: device.address, pairingId: pairing.id, signature: otherOwner })).rejects.toMatchObject({ code: "invalid_signature" });
    expect((await getOwnerPairing(deps, { id: pairing.id, owner })).status).toBe("waiting");
  });

  it("rejects an answer after the pairing expired", async () => {
    const device = await newDevice();
    const past = new Date(Date.now() - 11 * 60_000);
    const pairing = await requestPairing({ ...deps, now: () => past }, { owner, device: device.address });
    expect(await pendingPairingForDevice(deps, device.address)).toBeNull();
    // Sign what it would have asked for; the server still refuses because the window closed.
    const pendingThen = (await pendingPairingForDevice({ ...deps, now: () => past }, device.address))!;
    const signature = await signPending(device.key, pendingThen);
    await expect(submitDeviceSignature(deps, { device: device.address, pairingId: pairing.id, signature })).rejects.toMatchObject({ code: "pairing_expired", status: 410 });
    expect((await getOwnerPairing(deps, { id: pairing.id, owner })).status).toBe("expired");
  });

  it("does not show a pairing to anyone but its owner", async () => {
    const device = await newDevice();
    const pairing = await requestPairing(deps, { owner, device: device.address });
    await expect(getOwnerPairing(deps, { id: pairing.id, owner: stranger })).rejects.toMatchObject({ code: "pairing_not_found", status: 404 });
    await expect(getOwnerPairing(deps, { id: crypto.randomUUID(), owner })).rejects.toMatchObject({ code: "pairing_not_found" });
  });

  it("refuses to pair an unregistered device", async () => {
    const unknown = privateKeyToAccount(generatePrivateKey()).address;
    await expect(requestPairing(deps, { owner, device: unknown })).rejects.toMatchObject({ code: "not_registered", status: 404 });
  });
});
