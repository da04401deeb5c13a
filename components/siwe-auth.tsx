"use client";

import { type AuthenticationStatus } from "@rainbow-me/rainbowkit";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useAccount } from "wagmi";
import { apiFetch } from "./api-client";
import { createSiweAdapter } from "./siwe-adapter";

export type SessionState = { address: `0x${string}`; chainId: number } | { address: null };

const SESSION_KEY = ["auth", "session"] as const;

/**
 * Sign-In with Ethereum wired into RainbowKit. The server is the source of
 * truth (an httpOnly cookie); this hook mirrors it as RainbowKit's status and
 * refreshes server components whenever it changes.
 */
export function useSiweAuthentication() {
  const queryClient = useQueryClient();
  const router = useRouter();
  const { address, isConnected } = useAccount();
  const [signInError, setSignInError] = useState<string | null>(null);

  const session = useQuery({
    queryKey: SESSION_KEY,
    queryFn: () => apiFetch<SessionState>("/api/auth/session"),
    staleTime: 60_000,
  });

  const adapter = useMemo(
    () =>
      createSiweAdapter({
        onSessionChange: async () => {
          await queryClient.invalidateQueries({ queryKey: SESSION_KEY });
          router.refresh();
        },
        onError: setSignInError,
      }),
    [queryClient, router],
  );

  const sessionAddress = session.data?.address ?? null;
  const mismatched =
    isConnected && address !== undefined && sessionAddress !== null && sessionAddress.toLowerCase() !== address.toLowerCase();

  // The wallet switched accounts: the old session must not keep acting for it.
  useEffect(() => {
    if (mismatched) void adapter.signOut();
  }, [mismatched, adapter]);

  let status: AuthenticationStatus;
  if (session.isPending) status = "loading";
  else if (sessionAddress && !mismatched) status = "authenticated";
  else status = "unauthenticated";

  const dismissSignInError = useCallback(() => setSignInError(null), []);
  return { adapter, status, signInError, dismissSignInError };
}
