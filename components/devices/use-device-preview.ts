"use client";

import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { useReadContract } from "wagmi";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import type { DevicePreview } from "@/lib/devices/api-types";
import { claimBlocker } from "@/lib/devices/claimability";
import { apiFetch } from "@/components/api-client";
import { usePublicConfig } from "@/components/public-config-context";

/** The index's view of a device (project, model, owner) plus a live deviceInfo read for the nonce and final say. */
export function useDevicePreview(device: Address | null) {
  const { chainId, contracts } = usePublicConfig();
  const preview = useQuery({
    queryKey: ["devices", "preview", device],
    queryFn: () => apiFetch<DevicePreview>(`/api/devices/${device}`),
    enabled: device !== null,
  });
  const chain = useReadContract({
    chainId,
    address: contracts?.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "deviceInfo",
    args: device ? [device] : undefined,
    query: { enabled: device !== null && Boolean(contracts?.DeviceRegistry) },
  });
  const loading = preview.isPending || chain.isPending;
  return {
    preview: preview.data,
    chain: chain.data,
    loading: device !== null && loading,
    error: preview.error ?? chain.error,
    blocker: claimBlocker(preview.data, chain.data),
    refetch: async () => {
      await Promise.all([preview.refetch(), chain.refetch()]);
    },
  };
}
