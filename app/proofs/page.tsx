import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { formatEpochWindow, formatReward } from "@/lib/rewards/format";
import { listEpochs, type EpochListItem } from "@/lib/rewards/proofs-view";
import { EPOCH_STATUS_LABEL } from "@/lib/rewards/status";

export const metadata: Metadata = { title: "Proofs" };
export const dynamic = "force-dynamic";

export default async function ProofsPage() {
  let epochs: EpochListItem[] | null = null;
  try {
    epochs = await listEpochs(db());
  } catch (error) {
    console.error("[proofs]", error);
  }
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Proofs</h1>
      <p>
        Every reward epoch is computed from the devices&apos; signed data by the published policy, proved with a zero-knowledge proof, and verified by the
        RewardDistributor contract before anything can be claimed. Open an epoch to see its proofs, download its inputs, and check the proofs yourself.
      </p>
      {epochs === null ? (
        <div role="alert" className="card tx-error" data-testid="proofs-error">
          <p>The epochs cannot be loaded right now. Try again in a moment.</p>
        </div>
      ) : epochs.length === 0 ? (
        <div className="card placeholder" data-testid="proofs-empty">
          <h2>No epochs yet</h2>
          <p>The first epoch appears here when it closes.</p>
        </div>
      ) : (
        <table className="device-table" data-testid="epochs">
          <thead>
            <tr>
              <th scope="col">Epoch</th>
              <th scope="col">Project</th>
              <th scope="col">Window (UTC)</th>
              <th scope="col">Status</th>
              <th scope="col">Devices</th>
              <th scope="col">Batches</th>
              <th scope="col">Paid</th>
            </tr>
          </thead>
          <tbody>
            {epochs.map((e) => (
              <tr key={e.id} data-testid={`epoch-row-${e.id}`}>
                <th scope="row">
                  <Link href={`/proofs/${e.id}`}>#{e.epoch}</Link>
                </th>
                <td>{e.project.name}</td>
                <td>{formatEpochWindow(e.windowStart, e.windowEnd)}</td>
                <td>
                  <span className={e.status === "confirmed" ? "pill pill-ok" : e.status === "failed" ? "pill pill-bad" : "pill"}>{EPOCH_STATUS_LABEL[e.status] ?? e.status}</span>
                </td>
                <td>{e.deviceCount}</td>
                <td>{e.batchCount}</td>
                <td>{formatReward(e.paidTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
