import { connectorsForWallets, type WalletList } from "@rainbow-me/rainbowkit";
import { injectedWallet, metaMaskWallet, rainbowWallet, walletConnectWallet } from "@rainbow-me/rainbowkit/wallets";
import { type Chain } from "viem";
import { createConfig, http, webSocket, type Config } from "wagmi";
import { chainById } from "@/lib/config/chains";
import type { PublicConfig } from "@/lib/config/public";

const APP_NAME = "DePIN Hub";

/**
 * The app's one chain, pointed at the runtime RPC and explorer. Wallets use
 * these values when asked to add the network, so they must be the public ones.
 */
export function appChain(config: PublicConfig): Chain {
  const base = chainById(config.chainId);
  const isWebSocket = /^wss?:/.test(config.rpcUrl);
  return {
    ...base,
    rpcUrls: {
      default: isWebSocket
        ? { http: base.rpcUrls.default.http, webSocket: [config.rpcUrl] }
        : { http: [config.rpcUrl] },
    },
    blockExplorers: config.explorerUrl
      ? { default: { name: base.blockExplorers?.default.name ?? "Explorer", url: config.explorerUrl } }
      : base.blockExplorers,
  };
}

function walletList(config: PublicConfig): WalletList {
  // Browser-extension wallets announce themselves (EIP-6963) and RainbowKit lists
  // them as installed; the generic injected entry covers older extensions.
  const installed: WalletList = [{ groupName: "Installed", wallets: [injectedWallet] }];
  if (!config.walletConnectProjectId) return installed;
  return [...installed, { groupName: "Mobile and other wallets", wallets: [metaMaskWallet, rainbowWallet, walletConnectWallet] }];
}

export function createWagmiConfig(config: PublicConfig): Config {
  const chain = appChain(config);
  const connectors = connectorsForWallets(walletList(config), {
    appName: APP_NAME,
    // Only WalletConnect-based wallets read it, and they are listed only when it is set.
    projectId: config.walletConnectProjectId ?? "unused",
  });
  return createConfig({
    chains: [chain],
    connectors,
    transports: { [chain.id]: /^wss?:/.test(config.rpcUrl) ? webSocket(config.rpcUrl) : http(config.rpcUrl) },
    // Render the server HTML disconnected, reconnect after hydration: no mismatch.
    ssr: true,
  });
}
