"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { EpochsOverview, PolicyPreviewView } from "@/lib/admin/reward-ops";
import type { UpcomingEpoch } from "@/lib/rewards/readiness";
import { shortAddress } from "@/lib/devices/format";
import { formatEpochWindow, formatReward } from "@/lib/rewards/format";
import { parsePolicyForm, policyFormOf, type PolicyDraftInput, type PolicyField, type PolicyForm } from "@/lib/rewards/policy-draft";
import type { PreviewSort } from "@/lib/rewards/preview";
import { EPOCH_STATUS_LABEL } from "@/lib/rewards/status";
import { apiFetch, postJson } from "@/components/api-client";

interface CurrentPolicy extends PolicyDraftInput {
  version: number;
  policyHash: string;
  createdAt: string;
}

const EMPTY_FORM: PolicyForm = { basePerMinute: "0.001", minQualityMultiplier: "20", coverageBonus: "50", demandBonus: "25", epochBudget: "1000" };

const FIELDS: Array<{ key: PolicyField; label: string; unit: string; help: string }> = [
  { key: "basePerMinute", label: "Base reward per online minute", unit: "DHR", help: "At full quality and without bonuses." },
  { key: "minQualityMultiplier", label: "Multiplier at quality 0", unit: "%", help: "Rises linearly to 100 % at quality 100 (0–100, 2 decimals)." },
  { key: "coverageBonus", label: "Coverage bonus", unit: "%", help: "Extra for a device alone in its H3 cell (0–655.35)." },
  { key: "demandBonus", label: "Demand bonus", unit: "%", help: "Extra where consumers asked for data (0–655.35)." },
  { key: "epochBudget", label: "Epoch budget", unit: "DHR", help: "The most one epoch pays; above it every amount is scaled down pro rata." },
];

const STATUS_PILL: Record<string, string> = { confirmed: "pill-good", failed: "pill-bad" };

function ms(value: number | undefined): string {
  if (value === undefined) return "–";
  return value >= 10_000 ? `${(value / 1000).toFixed(0)} s` : value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
}

function signed(delta: string): string {
  return delta.startsWith("-") ? `−${formatReward(delta.slice(1))}` : delta === "0" ? "0" : `+${formatReward(delta)}`;
}

/** Reward policy editor with a preview over the last epoch's inputs, and the epoch pipeline with re-run. */
export function RewardsPanel({ projectId, isAdmin, currentPolicy, initialOverview }: { projectId: number; isAdmin: boolean; currentPolicy: CurrentPolicy | null; initialOverview: EpochsOverview }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [form, setForm] = useState<PolicyForm>(currentPolicy ? policyFormOf(currentPolicy) : EMPTY_FORM);
  const [errors, setErrors] = useState<Partial<Record<PolicyField, string>>>({});
  const [sort, setSort] = useState<PreviewSort>("delta");
  const [preview, setPreview] = useState<{ form: PolicyForm; result: PolicyPreviewView } | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const epochsKey = ["admin-epochs", projectId];
  const {
    data: { epochs, upcoming },
  } = useQuery({
    queryKey: epochsKey,
    queryFn: () => apiFetch<EpochsOverview>(`/api/admin/projects/${projectId}/rewards/epochs`),
    initialData: initialOverview,
    refetchInterval: 15_000,
  });

  const draft = () => {
    const parsed = parsePolicyForm(form);
    setErrors(parsed.ok ? {} : parsed.errors);
    return parsed.ok ? parsed.input : null;
  };

  const runPreview = async (event?: FormEvent, sortBy = sort) => {
    event?.preventDefault();
    setMessage(null);
    const input = draft();
    if (!input) return;
    setBusy(true);
    try {
      const result = await postJson<PolicyPreviewView>(`/api/admin/projects/${projectId}/rewards/preview`, { policy: input, sort: sortBy, limit: 200 });
      setPreview({ form, result });
    } catch (cause) {
      setPreview(null);
      setMessage(cause instanceof Error ? cause.message : "The preview failed.");
    } finally {
      setBusy(false);
    }
  };

  const publish = async () => {
    setMessage(null);
    const input = draft();
    if (!input) return;
    setBusy(true);
    try {
      const published = await postJson<{ version: number }>(`/api/projects/${projectId}/reward-policies`, input);
      setMessage(`Published policy v${published.version}. The next epoch uses it.`);
      setPreview(null);
      // The "current policy" line and the next version number come from the server.
      router.refresh();
    } catch (cause) {
      setMessage(cause instanceof Error ? cause.message : "Publishing failed.");
    } finally {
      setBusy(false);
    }
  };

  const rerun = async (epochId: number) => {
    setMessage(null);
    try {
      const result = await postJson<{ rerun: boolean; status: string }>(`/api/admin/projects/${projectId}/rewards/epochs/${epochId}/rerun`);
      setMessage(result.rerun ? `The epoch goes back to the worker (resumes at "${result.status}").` : `Nothing to re-run: the epoch is ${result.status}.`);
    } catch (cause) {
      setMessage(cause instanceof Error ? cause.message : "The re-run failed.");
    }
    await queryClient.invalidateQueries({ queryKey: epochsKey });
  };

  // Publishing is offered for the exact draft that was previewed, so nobody publishes numbers they have not seen.
  const previewIsCurrent = preview !== null && (Object.keys(form) as PolicyField[]).every((key) => form[key] === preview.form[key]);
  const result = preview?.result;

  return (
    <div data-testid="rewards-admin">
      <h2>Reward policy</h2>
      <p className="muted">
        {currentPolicy
          ? `Current: v${currentPolicy.version}, published ${currentPolicy.createdAt.slice(0, 16).replace("T", " ")} UTC. Versions are immutable; publishing makes the next one.`
          : "No policy published yet: no epoch is computed until there is one."}
      </p>
      <form className="admin-form" onSubmit={(event) => void runPreview(event)} noValidate aria-label="Draft reward policy">
        {FIELDS.map((field) => (
          <div key={field.key}>
            <label htmlFor={`${ids}-${field.key}`}>
              {field.label} ({field.unit})
            </label>
            <input
              id={`${ids}-${field.key}`}
              name={field.key}
              inputMode="decimal"
              value={form[field.key]}
              aria-invalid={errors[field.key] ? true : undefined}
              aria-describedby={`${ids}-${field.key}-help`}
              onChange={(event) => setForm({ ...form, [field.key]: event.target.value })}
            />
            <small id={`${ids}-${field.key}-help`} className={errors[field.key] ? "" : "muted"} role={errors[field.key] ? "alert" : undefined}>
              {errors[field.key] ?? field.help}
            </small>
          </div>
        ))}
        <div className="fleet-toolbar">
          <button type="submit" className="button" disabled={busy}>
            Preview
          </button>
          {isAdmin && (
            <button type="button" className="button button-secondary" disabled={busy || !previewIsCurrent} onClick={() => void publish()}>
              Publish as v{result?.draftVersion ?? (currentPolicy?.version ?? 0) + 1}
            </button>
          )}
        </div>
        {isAdmin && !previewIsCurrent && <p className="muted">Preview the draft to publish it.</p>}
        {!isAdmin && <p className="muted">Operators can preview; only the project&apos;s admin can publish.</p>}
      </form>
      {message && <p role="status">{message}</p>}

      {result && (
        <section aria-labelledby={`${ids}-preview`} data-testid="policy-preview">
          <h3 id={`${ids}-preview`}>
            Preview over epoch {result.epoch.epoch} ({formatEpochWindow(result.epoch.windowStart, result.epoch.windowEnd)} UTC, {result.epoch.deviceCount} devices)
          </h3>
          <table className="device-table" data-testid="preview-totals">
            <thead>
              <tr>
                <th scope="col" />
                <th scope="col">Policy v{result.epoch.policyVersion} (paid)</th>
                <th scope="col">Draft v{result.draftVersion}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Total before budget</th>
                <td>{formatReward(result.current.rawTotal)}</td>
                <td>{formatReward(result.draft.rawTotal)}</td>
              </tr>
              <tr>
                <th scope="row">Budget</th>
                <td>{formatReward(result.current.budget)}</td>
                <td>{formatReward(result.draft.budget)}</td>
              </tr>
              <tr>
                <th scope="row">Paid</th>
                <td data-testid="preview-current-paid">{formatReward(result.current.paidTotal)}</td>
                <td data-testid="preview-draft-paid">{formatReward(result.draft.paidTotal)}</td>
              </tr>
              <tr>
                <th scope="row">Scaled to the budget</th>
                <td>{result.current.scaled ? "yes" : "no"}</td>
                <td data-testid="preview-draft-scaled">{result.draft.scaled ? `yes (amounts × ${((Number(result.draft.budget) / Number(result.draft.rawTotal)) * 100).toFixed(1)} %)` : "no"}</td>
              </tr>
              <tr>
                <th scope="row">Devices earning</th>
                <td>{result.current.earning}</td>
                <td>{result.draft.earning}</td>
              </tr>
            </tbody>
          </table>
          <p>
            {result.changed.up} devices would earn more, {result.changed.down} less, {result.changed.same} the same.
          </p>
          <label>
            Order{" "}
            <select
              value={sort}
              onChange={(event) => {
                const next = event.target.value as PreviewSort;
                setSort(next);
                void runPreview(undefined, next);
              }}
            >
              <option value="delta">biggest change first</option>
              <option value="draft">highest draft amount first</option>
              <option value="current">highest current amount first</option>
              <option value="slot">registration order</option>
            </select>
          </label>
          <table className="device-table" data-testid="preview-rows">
            <thead>
              <tr>
                <th scope="col">Device</th>
                <th scope="col">Online min</th>
                <th scope="col">Quality</th>
                <th scope="col">Bonuses</th>
                <th scope="col">Paid (v{result.epoch.policyVersion})</th>
                <th scope="col">Draft</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.device} data-device={row.device}>
                  <td>
                    <a href={`/devices/${row.device}`}>{shortAddress(row.device)}</a>
                    {!row.inputs.active && <span className="muted"> (inactive)</span>}
                  </td>
                  <td>{row.inputs.onlineMinutes}</td>
                  <td>{row.inputs.qualityScore}</td>
                  <td>{[row.inputs.underserved && "coverage", row.inputs.inDemand && "demand"].filter(Boolean).join(", ") || "–"}</td>
                  <td>{formatReward(row.currentAmount)}</td>
                  <td>{formatReward(row.draftAmount)}</td>
                  <td>{signed(row.delta)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {result.rowsTotal > result.rows.length && (
            <p className="muted">
              Showing {result.rows.length} of {result.rowsTotal} devices; the totals cover all of them.
            </p>
          )}
        </section>
      )}

      <h2>Epochs</h2>
      {upcoming && <UpcomingEpochLine upcoming={upcoming} />}
      <table className="device-table" data-testid="epoch-table">
        <thead>
          <tr>
            <th scope="col">Epoch</th>
            <th scope="col">Window (UTC)</th>
            <th scope="col">Status</th>
            <th scope="col">Policy</th>
            <th scope="col">Devices</th>
            <th scope="col">Batches proved / sent</th>
            <th scope="col">Paid</th>
            <th scope="col">Compute / prove / submit / finalize</th>
            <th scope="col">Failure</th>
          </tr>
        </thead>
        <tbody>
          {epochs.map((epoch) => (
            <tr key={epoch.id} data-epoch={epoch.epoch} data-status={epoch.status}>
              <td>
                <a href={`/proofs/${epoch.id}`}>{epoch.epoch}</a>
              </td>
              <td>{formatEpochWindow(epoch.windowStart, epoch.windowEnd)}</td>
              <td>
                <span className={`pill ${STATUS_PILL[epoch.status] ?? ""}`}>{EPOCH_STATUS_LABEL[epoch.status] ?? epoch.status}</span>
                {epoch.leased && <span className="muted"> (a worker is on it)</span>}
              </td>
              <td>v{epoch.policyVersion}</td>
              <td>{epoch.deviceCount}</td>
              <td>
                {epoch.batchesProved} / {epoch.batchesSubmitted} of {epoch.batchCount}
              </td>
              <td>
                {formatReward(epoch.paidTotal)}
                {epoch.scaled && <span className="muted"> (scaled)</span>}
              </td>
              <td>
                {ms(epoch.timings.computeMs)} / {ms(epoch.timings.proveMs)} / {ms(epoch.timings.submitMs)} / {ms(epoch.timings.finalizeMs)}
              </td>
              <td>
                {epoch.error && (
                  <span className={epoch.status === "failed" ? "" : "muted"} title={epoch.error}>
                    {epoch.status === "failed" ? "" : "retried: "}
                    {epoch.error.slice(0, 160)} ({epoch.attempts} attempt{epoch.attempts === 1 ? "" : "s"})
                  </span>
                )}
                {epoch.status === "failed" && isAdmin && (
                  <>
                    {" "}
                    <button type="button" className="button button-secondary" onClick={() => void rerun(epoch.id)}>
                      Re-run
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {epochs.length === 0 && <p className="muted">No epochs yet. The worker computes one when a window closes after a policy is published.</p>}
    </div>
  );
}

/** One line above the table: when the next epoch closes, or what it waits for (lib/rewards/readiness.ts). */
function UpcomingEpochLine({ upcoming }: { upcoming: UpcomingEpoch }) {
  const window = `${formatEpochWindow(upcoming.windowStart, upcoming.windowEnd)} UTC`;
  const state = {
    open: `open; closes at ${upcoming.closesAt.slice(11, 19)} UTC, once readings uploaded late are in`,
    waiting: `closed; waiting for ${upcoming.waitingFor}`,
    queued: `closed; waiting for ${upcoming.waitingFor}`,
    due: "closed; the worker computes it on its next run",
  }[upcoming.state];
  return (
    <p className="muted" data-testid="upcoming-epoch" data-state={upcoming.state} data-epoch={upcoming.epoch}>
      Next: epoch {upcoming.epoch} ({window}), {state}.
    </p>
  );
}
