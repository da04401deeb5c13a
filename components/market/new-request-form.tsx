"use client";

import Link from "next/link";
import { useId, useState, type FormEvent } from "react";
import { ApiError, postJson } from "@/components/api-client";
import { fieldErrorBindings } from "@/components/field-errors";
import { fieldErrors, requestFormSchema, splitCells } from "@/lib/market/forms";
import { CellPicker } from "./cell-picker";

/** Default expiry offered: four weeks from today. */
function inFourWeeks(): string {
  return new Date(Date.now() + 28 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

/**
 * "New request": what a consumer wants (a metric over an area picked as H3
 * cells on the map or typed, from some devices, for some days, within a
 * budget, until an expiry). Owners whose devices fit see it in their dashboard.
 */
export function NewRequestForm({ metricNames }: { metricNames: readonly string[] }) {
  const ids = useId();
  const [title, setTitle] = useState("");
  const [metric, setMetric] = useState(metricNames[0] ?? "");
  const [cellsText, setCellsText] = useState("");
  const [deviceCount, setDeviceCount] = useState("1");
  const [durationDays, setDurationDays] = useState("30");
  const [budget, setBudget] = useState("");
  const [expiresOn, setExpiresOn] = useState(inFourWeeks);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [created, setCreated] = useState<{ id: string; title: string } | null>(null);
  const cells = splitCells(cellsText);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitError(null);
    const parsed = requestFormSchema(new Date()).safeParse({ title, metric, cells: cellsText, deviceCount, durationDays, budget, expiresOn });
    if (!parsed.success) {
      setErrors(fieldErrors(parsed.error));
      return;
    }
    setErrors({});
    setSaving(true);
    try {
      setCreated(await postJson<{ id: string; title: string }>("/api/market/requests", parsed.data));
    } catch (error) {
      setSubmitError(error instanceof ApiError ? error.message : "The request could not be saved; try again.");
    } finally {
      setSaving(false);
    }
  }

  const { field, errorOf } = fieldErrorBindings<string>(ids, errors);

  if (created) {
    return (
      <section className="card" data-testid="new-request-created">
        <h2>Request posted: {created.title}</h2>
        <p>Owners whose devices measure this in your area see it in their dashboard; matching listings appear on the request&apos;s page.</p>
        <p>
          <Link href={`/market/requests/${created.id}`} data-testid="new-request-link">
            Open the request and its offers
          </Link>
        </p>
      </section>
    );
  }

  return (
    <form onSubmit={(event) => void onSubmit(event)} noValidate className="market-form card" data-testid="new-request" aria-busy={saving}>
      <label htmlFor={`${ids}-title`}>Title</label>
      <input id={`${ids}-title`} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={120} placeholder="PM2.5 around the school, one month" {...field("title")} />
      {errorOf("title")}

      <label htmlFor={`${ids}-metric`}>Metric</label>
      <select id={`${ids}-metric`} value={metric} onChange={(e) => setMetric(e.target.value)} {...field("metric")}>
        {metricNames.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
      {errorOf("metric")}

      <fieldset {...field("cells")}>
        <legend>Area</legend>
        <CellPicker cells={cells} onChange={(next) => setCellsText(next.join(", "))} />
        <label htmlFor={`${ids}-cells`}>H3 cells (click the map, add a place, or type them)</label>
        <textarea id={`${ids}-cells`} value={cellsText} onChange={(e) => setCellsText(e.target.value)} rows={2} spellCheck={false} placeholder="871f1d489ffffff, …" />
      </fieldset>
      {errorOf("cells")}

      <label htmlFor={`${ids}-devices`}>Number of devices</label>
      <input id={`${ids}-devices`} type="number" min={1} max={1000} value={deviceCount} onChange={(e) => setDeviceCount(e.target.value)} {...field("deviceCount")} />
      {errorOf("deviceCount")}

      <label htmlFor={`${ids}-days`}>Duration (days)</label>
      <input id={`${ids}-days`} type="number" min={1} max={366} value={durationDays} onChange={(e) => setDurationDays(e.target.value)} {...field("durationDays")} />
      {errorOf("durationDays")}

      <label htmlFor={`${ids}-budget`}>Budget (dUSD, for the whole duration)</label>
      <input id={`${ids}-budget`} value={budget} onChange={(e) => setBudget(e.target.value)} inputMode="decimal" placeholder="90.00" {...field("budget")} />
      {errorOf("budget")}

      <label htmlFor={`${ids}-expires`}>Request open until</label>
      <input id={`${ids}-expires`} type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} {...field("expiresOn")} />
      {errorOf("expiresOn")}

      <button type="submit" className="button" disabled={saving} data-testid="new-request-submit">
        {saving ? "Posting…" : "Post the request"}
      </button>
      {submitError && (
        <p role="alert" data-testid="new-request-error">
          {submitError}
        </p>
      )}
    </form>
  );
}
