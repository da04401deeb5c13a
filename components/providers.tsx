"use client";

import "@rainbow-me/rainbowkit/styles.css";
import {
  darkTheme,
  lightTheme,
  RainbowKitAuthenticationProvider,
  RainbowKitProvider,
} from "@rainbow-me/rainbowkit";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useMemo, useState, type ReactNode } from "react";
import { WagmiProvider } from "wagmi";
import type { PublicConfig } from "@/lib/config/public";
import { PublicConfigContext, SignInErrorContext } from "./public-config-context";
import { useSiweAuthentication } from "./siwe-auth";
import { useTheme } from "./theme";
import { createWagmiConfig } from "./wagmi-config";

const ACCENT = "#0f766e";

/**
 * Client-side context for the whole app: runtime chain config, wagmi,
 * TanStack Query, RainbowKit with Sign-In with Ethereum. The config comes
 * from the server per request, so the bundle holds no chain specifics.
 */
export function Providers({ config, children }: { config: PublicConfig; children: ReactNode }) {
  // Created once per page load; a config change means a new deployment and a reload.
  const [wagmiConfig] = useState(() => createWagmiConfig(config));
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }),
  );
  return (
    <PublicConfigContext value={config}>
      <WagmiProvider config={wagmiConfig}>
        <QueryClientProvider client={queryClient}>
          <WalletUi>{children}</WalletUi>
        </QueryClientProvider>
      </WagmiProvider>
    </PublicConfigContext>
  );
}

function WalletUi({ children }: { children: ReactNode }) {
  const { adapter, status, signInError, dismissSignInError } = useSiweAuthentication();
  const mode = useTheme();
  const theme = useMemo(
    () => (mode === "dark" ? darkTheme({ accentColor: "#2dd4bf", accentColorForeground: "#042f2e" }) : lightTheme({ accentColor: ACCENT })),
    [mode],
  );
  const errorState = useMemo(() => ({ message: signInError, dismiss: dismissSignInError }), [signInError, dismissSignInError]);
  return (
    <RainbowKitAuthenticationProvider adapter={adapter} status={status}>
      <RainbowKitProvider theme={theme} appInfo={{ appName: "DePIN Hub" }} modalSize="compact">
        <SignInErrorContext value={errorState}>{children}</SignInErrorContext>
      </RainbowKitProvider>
    </RainbowKitAuthenticationProvider>
  );
}
