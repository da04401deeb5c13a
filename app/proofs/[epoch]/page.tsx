import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db/client";
import { explorerTxUrl } from "@/lib/devices/format";
import { getPublicConfig } from "@/lib/config/public";
import { formatReward } from "@/lib/rewards/format";
import { epochDetail, explainDeviceEarning, type DeviceEarningExplanation } from "@/lib/rewards/proofs-view";
import { epochIdSchema } from "@/lib/rewards/schemas";
import { EPOCH_STATUS_LABEL } from "@/lib/rewards/status";
import { VerifyInBrowser } from "@/components/rewards/verify-in-browser";

type Props = { params: Promise<{ epoch: string }>; searchParams: Promise<{ device?: string }> };

export const metadata: Metadata = { title: "Epoch proofs" };
export const dynamic = "force-dynamic";

function Tx({ hash, explorerUrl }: { hash: string | null; explorerUrl: string | undefined }) {
  if (!hash) return <span className="muted">—</span>;
  const url = explorerTxUrl(explorerUrl, hash);
  return url ? (
    <a href={url} target="_blank" rel="noreferrer" className="proof-value">
      {hash}
    </a>
  ) : (
    <code className="proof-value">{hash}</code>
  );
}

function Why({ why }: { why: DeviceEarningExplanation }) {
  const p = why.policy;
  return (
    <section className="card" aria-labelledby="why-title" data-testid="why-earned">
      <h2 id="why-title">Why did {why.device} earn this?</h2>
      <dl>
        <dt>Inputs</dt>
        <dd>
          {why.inputs.onlineMinutes} online minutes, quality {why.inputs.qualityScore}/100, {why.inputs.underserved ? "under-served cell" : "served cell"},{" "}
          {why.inputs.inDemand ? "in demand" : "no demand bonus"}, {why.inputs.active ? "active" : "deactivated"}
        </dd>
        <dt>Quality multiplier</dt>
        <dd>
          {p.minQualityMultiplierBps} + (10000 − {p.minQualityMultiplierBps}) × {why.inputs.qualityScore} / 100 = {why.qualityMultiplierBps} bps
        </dd>
        <dt>Bonus</dt>
        <dd>
          10000 {why.inputs.underserved ? `+ ${p.coverageBonusBps} (coverage)` : ""} {why.inputs.inDemand ? `+ ${p.demandBonusBps} (demand)` : ""} = {why.bonusBps} bps
        </dd>
        <dt>Before the budget</dt>
        <dd>
          {why.inputs.active ? `${p.basePerMinute} × ${why.inputs.onlineMinutes} × ${why.qualityMultiplierBps} × ${why.bonusBps} / 10⁸` : "0 (deactivated)"} = {why.raw} base units
        </dd>
        <dt>Amount</dt>
        <dd data-testid="why-amount" data-amount={why.amount}>
          {why.scaled ? `${why.raw} × ${p.epochBudget} / ${why.rawTotal} (the epoch exceeded its budget) = ` : "no budget scaling: "}
          {formatReward(why.amount)} ({why.amount} base units); cumulative {formatReward(why.cumulative)}
        </dd>
      </dl>
    </section>
  );
}

export default async function EpochPage({ params, searchParams }: Props) {
  const id = epochIdSchema.safeParse((await params).epoch);
  if (!id.success) notFound();
  const detail = await epochDetail(db(), id.data);
  if (!detail) notFound();
  const device = (await searchParams).device;
  const why = device && /^0x[0-9a-fA-F]{40}$/.test(device) ? await explainDeviceEarning(db(), detail.id, device) : null;
  const { explorerUrl } = getPublicConfig();
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/proofs">← All epochs</Link>
      </p>
      <h1 id="page-title">
        {detail.project.name} · epoch {detail.epoch}
      </h1>
      <dl className="stats" data-testid="epoch-facts">
        <div className="card stat">
          <dt>Status</dt>
          <dd data-testid="epoch-status">{EPOCH_STATUS_LABEL[detail.status] ?? detail.status}</dd>
        </div>
        <div className="card stat">
          <dt>Window (UTC)</dt>
          <dd>
            {detail.windowStart.slice(0, 16).replace("T", " ")} – {detail.windowEnd.slice(0, 16).replace("T", " ")}
          </dd>
        </div>
        <div className="card stat">
          <dt>Paid</dt>
          <dd>{formatReward(detail.paidTotal)}</dd>
        </div>
        <div className="card stat">
          <dt>Before the budget</dt>
          <dd>{formatReward(detail.rawTotal)}</dd>
        </div>
        <div className="card stat">
          <dt>Devices / batches</dt>
          <dd>
            {detail.deviceCount} / {detail.batchCount}
          </dd>
        </div>
      </dl>
      <h2>Commitments</h2>
      <dl>
        <dt>Policy v{detail.policy.version} hash</dt>
        <dd className="proof-value">{detail.policy.policyHash}</dd>
        <dt>Policy parameters</dt>
        <dd>
          {detail.policy.basePerMinute} base units per minute, quality multiplier from {detail.policy.minQualityMultiplierBps} bps, coverage bonus{" "}
          {detail.policy.coverageBonusBps} bps, demand bonus {detail.policy.demandBonusBps} bps, budget {formatReward(detail.policy.epochBudget)}
          {detail.scaled ? " (this epoch was scaled down to the budget)" : ""}
        </dd>
        <dt>Epoch root (on-chain)</dt>
        <dd className="proof-value">{detail.epochRoot ?? "—"}</dd>
        <dt>Finalizing transaction</dt>
        <dd>
          <Tx hash={detail.finalizeTx} explorerUrl={explorerUrl} />
        </dd>
        <dt>Inputs</dt>
        <dd>
          <a href={`/api/rewards/epochs/${detail.id}/inputs`} download data-testid="inputs-download">
            Download the published inputs (JSON)
          </a>
        </dd>
      </dl>
      <VerifyInBrowser batches={detail.batches.map((b) => ({ batchIndex: b.batchIndex, proof: b.proof, publicSignals: b.publicSignals }))} />
      <h2>Batches</h2>
      {detail.batches.map((b) => (
        <section key={b.batchIndex} className="card" aria-labelledby={`batch-${b.batchIndex}`}>
          <h3 id={`batch-${b.batchIndex}`}>Batch {b.batchIndex}</h3>
          <dl>
            <dt>Inputs commitment</dt>
            <dd className="proof-value">{b.inputsCommitment}</dd>
            <dt>Previous root → reward root</dt>
            <dd className="proof-value">
              {b.prevRoot} → {b.newRoot}
            </dd>
            <dt>Raw / paid</dt>
            <dd>
              {formatReward(b.batchRaw)} / {formatReward(b.batchPaid)}
            </dd>
            <dt>Verifying transaction</dt>
            <dd>
              <Tx hash={b.submitTx} explorerUrl={explorerUrl} />
            </dd>
            <dt>Proof{b.provingMs !== null ? ` (proved in ${b.provingMs} ms)` : ""}</dt>
            <dd>
              <details>
                <summary>Proof and public signals</summary>
                <pre className="proof-value">{JSON.stringify({ proof: b.proof, publicSignals: b.publicSignals }, null, 2)}</pre>
              </details>
            </dd>
          </dl>
        </section>
      ))}
      {why && <Why why={why} />}
      <h2>Devices</h2>
      <table className="device-table" data-testid="epoch-devices">
        <thead>
          <tr>
            <th scope="col">Slot</th>
            <th scope="col">Device</th>
            <th scope="col">Amount</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {detail.devices.map((d) => (
            <tr key={d.device}>
              <td>{d.slot}</td>
              <th scope="row">
                <code className="address">{d.device}</code>
              </th>
              <td>{formatReward(d.amount)}</td>
              <td>
                <Link href={`/proofs/${detail.id}?device=${d.device}#why-title`}>Why did it earn this?</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
