import "server-only";
import { readDeployment } from "@/lib/chain/deployments";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { createDeviceChainReader, type DeviceChainReader } from "./chain";
import type { PairingDeps } from "./pairing";
import { PairingError } from "./pairing-errors";

/** The server's chain reader for CHAIN_ID's DeviceRegistry; kept per process (one HTTP transport). */
function chainReader(): DeviceChainReader {
  const holder = globalThis as typeof globalThis & { __depinhubDeviceChain?: DeviceChainReader };
  if (holder.__depinhubDeviceChain) return holder.__depinhubDeviceChain;
  const env = serverEnv();
  const deployment = env.RPC_URL ? readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID) : null;
  if (!env.RPC_URL || !deployment) {
    throw new PairingError("chain_not_configured", "The chain or its contracts are not configured on this server.");
  }
  holder.__depinhubDeviceChain = createDeviceChainReader({ rpcUrl: env.RPC_URLS, timeoutMs: env.RPC_TIMEOUT_MS, chainId: env.CHAIN_ID, registry: deployment.contracts.DeviceRegistry });
  return holder.__depinhubDeviceChain;
}

/** Dependencies of the pairing domain functions for route handlers. */
export function pairingDeps(): PairingDeps {
  return { db: db(), chain: chainReader() };
}
