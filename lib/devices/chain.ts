import "server-only";
import { createPublicClient, type Address } from "viem";
import { chainTransport, type RpcEndpoints } from "@/lib/chain/transport";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";

/** DeviceRegistry.deviceInfo, as the pairing logic needs it. */
export interface OnChainDevice {
  projectId: bigint;
  claimKey: Address;
  active: boolean;
  owner: Address;
  nonce: bigint;
}

export interface DeviceChainReader {
  chainId: number;
  registry: Address;
  deviceInfo(device: Address): Promise<OnChainDevice>;
}

export function createDeviceChainReader({ rpcUrl, chainId, registry, timeoutMs }: { rpcUrl: RpcEndpoints; chainId: number; registry: Address; timeoutMs?: number }): DeviceChainReader {
  const client = createPublicClient({ transport: chainTransport(rpcUrl, { timeoutMs }) });
  return {
    chainId,
    registry,
    async deviceInfo(device) {
      const info = await client.readContract({ address: registry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [device] });
      return { projectId: info.projectId, claimKey: info.claimKey, active: info.active, owner: info.owner, nonce: info.nonce };
    },
  };
}
