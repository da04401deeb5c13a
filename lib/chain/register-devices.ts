import { stringToHex, zeroAddress, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";
import { deviceRegistryAbi } from "./abi.generated";

export interface DeviceToRegister {
  address: Address;
  /** Model name; stored on-chain as bytes32, so at most 32 bytes. */
  model: string;
  claimKey?: Address;
}

export interface RegisterDevicesOptions {
  publicClient: PublicClient;
  walletClient: WalletClient<Transport, Chain | undefined, Account>;
  registry: Address;
  projectId: bigint;
  devices: readonly DeviceToRegister[];
  /** Devices per registerDevices transaction (~50k gas each: 200 stays far below a block). */
  batchSize?: number;
  /** Called after each confirmed batch with how many devices are registered so far. */
  onBatch?: (registered: number, hash: Hex) => void;
}

/** Registers devices in DeviceRegistry batch by batch, waiting for each; throws if a batch reverts. */
export async function registerDevicesInBatches(options: RegisterDevicesOptions): Promise<void> {
  const { publicClient, walletClient, registry, projectId, devices, batchSize = 200, onBatch } = options;
  for (let i = 0; i < devices.length; i += batchSize) {
    const batch = devices.slice(i, i + batchSize);
    const hash = await walletClient.writeContract({
      chain: null,
      address: registry,
      abi: deviceRegistryAbi,
      functionName: "registerDevices",
      args: [projectId, batch.map((d) => ({ device: d.address, model: stringToHex(d.model, { size: 32 }), claimKey: d.claimKey ?? zeroAddress }))],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`registerDevices transaction ${hash} reverted`);
    onBatch?.(Math.min(i + batchSize, devices.length), hash);
  }
}
