import "server-only";
import { chainById } from "@/lib/config/chains";
import { serverEnv, type ServerEnv } from "@/lib/config/env";
import { readDeployment, type Deployment } from "@/lib/chain/deployments";

/**
 * The configuration the browser needs, resolved per request on the server so
 * one build runs against any chain (nothing chain-specific is baked into the
 * client bundle). Only public values belong here: no database URL, no keyed
 * RPC URL (PUBLIC_RPC_URL exists for that), no private keys.
 */
export interface PublicConfig {
  chainId: number;
  rpcUrl: string;
  explorerUrl?: string;
  contracts: {
    ProjectRegistry?: `0x${string}`;
    DeviceRegistry?: `0x${string}`;
    /** The marketplace escrow and the token it settles in (dUSD on local chains). */
    Marketplace?: `0x${string}`;
    Stablecoin?: `0x${string}`;
  } | null;
  walletConnectProjectId?: string;
  /** Hosted basemap style; absent = the app's offline basemap (lib/map/style.ts). */
  mapStyleUrl?: string;
}

/** The RPC endpoint browsers talk to (wallet reads, chain switching). */
export function browserRpcUrl(env: ServerEnv): string {
  const chainDefault = chainById(env.CHAIN_ID).rpcUrls.default.http[0];
  const url = env.PUBLIC_RPC_URL ?? env.RPC_URL ?? chainDefault;
  if (!url) throw new Error(`No RPC URL configured for chain ${env.CHAIN_ID}`);
  return url;
}

function deploymentOrNull(env: ServerEnv): Deployment | null {
  try {
    return readDeployment(env.DEPLOYMENTS_FILE, env.CHAIN_ID);
  } catch (error) {
    // A broken deployments file must not take every page down; /api/health reports it.
    console.error("[config] cannot read deployments:", error);
    return null;
  }
}

export function getPublicConfig(env: ServerEnv = serverEnv()): PublicConfig {
  const chain = chainById(env.CHAIN_ID);
  const deployment = deploymentOrNull(env);
  const explorerUrl = env.EXPLORER_URL ?? chain.blockExplorers?.default.url;
  return {
    chainId: env.CHAIN_ID,
    rpcUrl: browserRpcUrl(env),
    ...(explorerUrl ? { explorerUrl } : {}),
    contracts: deployment
      ? {
          ProjectRegistry: deployment.contracts.ProjectRegistry,
          DeviceRegistry: deployment.contracts.DeviceRegistry,
          Marketplace: deployment.contracts.Marketplace,
          Stablecoin: deployment.contracts.Stablecoin,
        }
      : null,
    ...(env.WALLETCONNECT_PROJECT_ID ? { walletConnectProjectId: env.WALLETCONNECT_PROJECT_ID } : {}),
    ...(env.MAP_STYLE_URL ? { mapStyleUrl: env.MAP_STYLE_URL } : {}),
  };
}
