import "server-only";
import { createPublicClient, createWalletClient, http, keccak256, stringToBytes, stringToHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deviceRegistryAbi, projectRegistryAbi } from "../chain/abi.generated";
import type { Deployment } from "../chain/deploy";
import type { PrismaClient } from "../db/generated/client";

export const DEMO_PROJECT_SLUG = "demo";
const DEMO_PROJECT_NAME = "DePIN Hub Demo";

/** The demo fleet's models; the simulator (ingestion issue) gives each a behaviour. */
const DEMO_MODELS = ["AQ-Tracker v2", "AQ-Tracker v2", "WeatherStation S1", "SolarMeter M3", "DashCam D1"] as const;

/**
 * Demo devices' private keys, derived from a public label so the simulator can
 * sign as them. They guard nothing of value: never register them on a real chain.
 */
export function demoDeviceKey(index: number): Hex {
  return keccak256(stringToBytes(`depinhub:demo-device:${index}`));
}

export function demoDevices(): Array<{ address: Address; privateKey: Hex; model: string; serial: string }> {
  return DEMO_MODELS.map((model, index) => {
    const privateKey = demoDeviceKey(index);
    return { address: privateKeyToAccount(privateKey).address, privateKey, model, serial: `DEMO-${String(index + 1).padStart(4, "0")}` };
  });
}

interface SeedOptions {
  db: PrismaClient;
  rpcUrl: string;
  deployment: Deployment;
  adminPrivateKey: Hex;
  log: (message: string) => void;
}

/**
 * Creates the demo project and registers its devices, on-chain and in the
 * database, once per chain: a second run finds the project on-chain and
 * does nothing.
 */
export async function seedDemo({ db, rpcUrl, deployment, adminPrivateKey, log }: SeedOptions): Promise<void> {
  const admin = privateKeyToAccount(adminPrivateKey);
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
  const { ProjectRegistry, DeviceRegistry } = deployment.contracts;

  const existing = await db.project.findUnique({ where: { slug: DEMO_PROJECT_SLUG } });
  if (existing?.chainId === deployment.chainId && existing.onchainId !== null) {
    const onChain = await publicClient
      .readContract({ address: ProjectRegistry, abi: projectRegistryAbi, functionName: "getProject", args: [BigInt(existing.onchainId)] })
      .catch(() => null);
    if (onChain?.name === DEMO_PROJECT_NAME) {
      log(`demo project #${existing.onchainId} already seeded`);
      return;
    }
  }

  const { request, result: projectId } = await publicClient.simulateContract({
    account: admin,
    address: ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: [DEMO_PROJECT_NAME, "", "0x0000000000000000000000000000000000000000"],
  });
  await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });

  const devices = demoDevices();
  const registerHash = await walletClient.writeContract({
    chain: null,
    address: DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [projectId, devices.map((d) => ({ device: d.address, model: stringToHex(d.model, { size: 32 }), claimKey: "0x0000000000000000000000000000000000000000" as Address }))],
  });
  await publicClient.waitForTransactionReceipt({ hash: registerHash });

  await db.$transaction(async (tx) => {
    const project = await tx.project.upsert({
      where: { slug: DEMO_PROJECT_SLUG },
      create: { slug: DEMO_PROJECT_SLUG, name: DEMO_PROJECT_NAME, chainId: deployment.chainId, onchainId: projectId, adminAddress: admin.address },
      update: { name: DEMO_PROJECT_NAME, chainId: deployment.chainId, onchainId: projectId, adminAddress: admin.address },
    });
    for (const device of devices) {
      const address = device.address.toLowerCase();
      await tx.device.upsert({
        where: { address },
        create: { address, projectId: project.id, model: device.model, serial: device.serial },
        update: { projectId: project.id, model: device.model, serial: device.serial, active: true, ownerAddress: null },
      });
    }
  });
  log(`seeded demo project #${projectId} with ${devices.length} registered devices`);
}
