import { zeroAddress } from "viem";
import type { DevicePreview } from "@/lib/devices/api-types";
import type { ChainDeviceState } from "@/lib/devices/claimability";
import { shortAddress } from "@/lib/devices/format";

/** The device as the index knows it, with the live chain read alongside. */
export function DeviceSummary({ preview, chain }: { preview: DevicePreview; chain?: ChainDeviceState }) {
  const owner = chain ? (chain.owner === zeroAddress ? null : chain.owner) : preview.owner;
  const registered = chain ? chain.projectId !== 0n : preview.registered;
  const active = chain ? chain.active : preview.active;
  return (
    <dl className="device-facts" data-testid="device-preview">
      <dt>Device</dt>
      <dd>
        <code className="address">{preview.address}</code>
      </dd>
      <dt>Registered</dt>
      <dd>{registered ? "Yes" : "No"}</dd>
      <dt>Project</dt>
      <dd>{preview.project?.name ?? "—"}</dd>
      <dt>Model</dt>
      <dd>{preview.model ?? "—"}</dd>
      <dt>Status</dt>
      <dd>{registered ? (active ? "Active" : "Deactivated") : "—"}</dd>
      <dt>Owner</dt>
      <dd>{owner ? <code className="address" title={owner}>{shortAddress(owner)}</code> : "Unclaimed"}</dd>
      {chain && (
        <>
          <dt>Claim nonce (on-chain)</dt>
          <dd>{chain.nonce.toString()}</dd>
        </>
      )}
    </dl>
  );
}
