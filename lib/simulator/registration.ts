import { createPublicClient, createWalletClient, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deviceRegistryAbi } from "../chain/abi.generated";
import type { Deployment } from "../chain/deployments";
import { registerDevicesInBatches } from "../chain/register-devices";
import { demoDeviceKey } from "../seed/demo-fleet";

/**
 * Registers simulated devices on-chain in the demo project so their telemetry
 * is accepted (the ingestion endpoint answers UNKNOWN_DEVICE until the chain
 * indexer has copied the registration into the Device table). Idempotent:
 * devices that deviceInfo reports as registered are skipped, so it is safe on
 * every start.
 */

export interface RegistrationDevice {
  address: Address;
  model: string;
}

export interface RegisterFleetOptions {
  rpcUrl: string;
  deployment: Deployment;
  /** Admin (or operator) of the project. */
  adminPrivateKey: Hex;
  devices: readonly RegistrationDevice[];
  /** Defaults to the project of the first seeded demo device (lib/seed/demo.ts). */
  projectId?: bigint;
  /** Devices per registerDevices transaction (see registerDevicesInBatches). */
  batchSize?: number;
  log?: (line: string) => void;
}

export interface RegistrationReport {
  projectId: bigint;
  registered: number;
  alreadyRegistered: number;
  /** Registered, but in another project (left alone). */
  inOtherProject: Address[];
}

/** Parallel deviceInfo reads per round; the HTTP transport batches them into few JSON-RPC requests. */
const READ_CONCURRENCY = 100;

export async function registerSimulatedFleet(options: RegisterFleetOptions): Promise<RegistrationReport> {
  const { rpcUrl, deployment, devices, log = () => undefined } = options;
  const account = privateKeyToAccount(options.adminPrivateKey);
  const transport = http(rpcUrl, { batch: { batchSize: READ_CONCURRENCY } });
  const publicClient = createPublicClient({ transport });
  const walletClient = createWalletClient({ account, transport });
  const registry = deployment.contracts.DeviceRegistry;

  const projectOf = async (device: Address): Promise<bigint> =>
    (await publicClient.readContract({ address: registry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [device] })).projectId;

  const projectId = options.projectId ?? (await projectOf(privateKeyToAccount(demoDeviceKey(0)).address));
  if (projectId === 0n) throw new Error("the demo project is not seeded on this chain (its first demo device is not registered): run npm start's seed first");

  const missing: RegistrationDevice[] = [];
  const inOtherProject: Address[] = [];
  let alreadyRegistered = 0;
  for (let i = 0; i < devices.length; i += READ_CONCURRENCY) {
    const chunk = devices.slice(i, i + READ_CONCURRENCY);
    const projects = await Promise.all(chunk.map((d) => projectOf(d.address)));
    chunk.forEach((device, j) => {
      const project = projects[j] ?? 0n;
      if (project === 0n) missing.push(device);
      else if (project === projectId) alreadyRegistered++;
      else inOtherProject.push(device.address);
    });
  }

  await registerDevicesInBatches({
    publicClient,
    walletClient,
    registry,
    projectId,
    devices: missing,
    batchSize: options.batchSize,
    onBatch: (done) => log(`registered ${done}/${missing.length} simulated devices in project #${projectId}`),
  });
  if (inOtherProject.length > 0) log(`${inOtherProject.length} simulated devices are registered in another project; their telemetry still counts there`);
  return { projectId, registered: missing.length, alreadyRegistered, inOtherProject };
}
