"use client";

import { createContext, useContext } from "react";
import type { PublicConfig } from "@/lib/config/public";

export const PublicConfigContext = createContext<PublicConfig | null>(null);

/** The runtime configuration the server rendered this page with. */
export function usePublicConfig(): PublicConfig {
  const config = useContext(PublicConfigContext);
  if (!config) throw new Error("usePublicConfig must be used inside <Providers>");
  return config;
}

export interface SignInErrorState {
  message: string | null;
  dismiss: () => void;
}

export const SignInErrorContext = createContext<SignInErrorState>({ message: null, dismiss: () => {} });

export function useSignInError(): SignInErrorState {
  return useContext(SignInErrorContext);
}
