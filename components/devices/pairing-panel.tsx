"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import type { PairingView } from "@/lib/devices/api-types";
import { ApiError, apiFetch, postJson } from "@/components/api-client";

/**
 * Online pairing: ask the server for a pairing, then poll it while the owner
 * presses the device's pair button. Hands the signed claim up once it arrives.
 */
export function PairingPanel({
  device,
  demoButton,
  onSigned,
}: {
  device: Address;
  /** Local chain: offer to "press" a seeded demo device's button from the page. */
  demoButton: boolean;
  onSigned: (pairing: PairingView) => void;
}) {
  const request = useMutation({ mutationFn: () => postJson<PairingView>("/api/devices/pairings", { device }) });
  const id = request.data?.id;
  const pairing = useQuery({
    queryKey: ["devices", "pairing", id],
    queryFn: async () => {
      const view = await apiFetch<PairingView>(`/api/devices/pairings/${id}`);
      if (view.status === "signed") onSigned(view);
      return view;
    },
    enabled: Boolean(id),
    // Poll until the device answers or the request runs out.
    refetchInterval: (query) => (query.state.data && query.state.data.status !== "waiting" ? false : 2000),
  });
  const press = useMutation({ mutationFn: () => postJson<PairingView>("/api/devices/demo-button", { device }), onSuccess: () => void pairing.refetch() });

  if (!request.data) {
    return (
      <div>
        <p>DePIN Hub will ask the device to sign a claim for your wallet. You then press its pair button within 10 minutes.</p>
        <button type="button" className="button" onClick={() => request.mutate()} disabled={request.isPending} aria-busy={request.isPending}>
          {request.isPending ? "Asking the device…" : "Ask the device to pair"}
        </button>
        {request.error && <p role="alert">{request.error instanceof ApiError ? request.error.message : "Could not start pairing."}</p>}
      </div>
    );
  }

  const status = pairing.data?.status ?? "waiting";
  return (
    <div data-testid="pairing-status">
      <p aria-live="polite" role="status">
        {status === "waiting" && <>Waiting for the device: press its pair button now (the request expires at {new Date(request.data.expiresAt).toLocaleTimeString()}).</>}
        {status === "signed" && <>The device signed the claim for your wallet.</>}
        {status === "expired" && <>The pairing request expired before the device answered. Start again.</>}
      </p>
      {status === "waiting" && demoButton && (
        <p>
          <button type="button" className="button button-secondary" onClick={() => press.mutate()} disabled={press.isPending}>
            Press the demo device&apos;s pair button
          </button>{" "}
          <span className="muted">(local demo chain only: the server signs with the demo device&apos;s public key)</span>
        </p>
      )}
      {press.error && <p role="alert">{press.error instanceof ApiError ? press.error.message : "Could not press the button."}</p>}
      {status === "expired" && (
        <button type="button" className="button" onClick={() => request.mutate()}>
          Ask again
        </button>
      )}
    </div>
  );
}
