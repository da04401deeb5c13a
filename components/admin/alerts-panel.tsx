"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import type { AlertView } from "@/lib/admin/alerts";
import type { AlertSettingsView } from "@/lib/admin/alert-settings";
import { shortAddress } from "@/lib/devices/format";
import { apiFetch, postJson } from "@/components/api-client";

const KIND_LABELS: Record<string, string> = { offline: "Offline", quality_drop: "Quality drop", battery_low: "Battery low", spoofing: "Suspected spoofing" };

/** Alert list with acknowledge, and (admin only) thresholds and the signed webhook. */
export function AlertsPanel({ projectId, isAdmin, initialSettings }: { projectId: number; isAdmin: boolean; initialSettings: AlertSettingsView }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const base = `/api/admin/projects/${projectId}/alerts`;
  const { data, error } = useQuery({ queryKey: ["alerts", projectId], queryFn: () => apiFetch<{ alerts: AlertView[] }>(base), refetchInterval: 30_000 });
  const [settings, setSettings] = useState({
    offlineMinutes: String(initialSettings.offlineMinutes),
    qualityBelow: String(initialSettings.qualityBelow),
    batteryBelow: String(initialSettings.batteryBelow),
    webhookUrl: initialSettings.webhookUrl ?? "",
    rotateSecret: false,
  });
  const [saveMessage, setSaveMessage] = useState<string | null>(null);
  const [newSecret, setNewSecret] = useState<string | null>(null);

  const acknowledge = async (id: string) => {
    await postJson(`${base}/${id}`).catch(() => undefined);
    await queryClient.invalidateQueries({ queryKey: ["alerts", projectId] });
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaveMessage(null);
    try {
      const result = await apiFetch<{ newSecret: string | null }>(`${base}/settings`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          offlineMinutes: Number(settings.offlineMinutes),
          qualityBelow: Number(settings.qualityBelow),
          batteryBelow: Number(settings.batteryBelow),
          webhookUrl: settings.webhookUrl.trim() || null,
          rotateSecret: settings.rotateSecret,
        }),
      });
      setNewSecret(result.newSecret);
      setSaveMessage("Saved.");
    } catch (cause) {
      setSaveMessage(cause instanceof Error ? cause.message : "Saving failed.");
    }
  };

  const alerts = data?.alerts ?? [];
  return (
    <>
      <h2>Alerts</h2>
      {error && <p role="alert">{error.message}</p>}
      <table className="device-table" data-testid="alert-list">
        <thead>
          <tr>
            <th scope="col">Opened (UTC)</th>
            <th scope="col">Device</th>
            <th scope="col">Alert</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <td>{alert.openedAt.replace("T", " ").slice(0, 16)}</td>
              <td>
                <a href={`/devices/${alert.device}`}>{shortAddress(alert.device)}</a>
              </td>
              <td>
                <strong>{KIND_LABELS[alert.kind] ?? alert.kind}</strong>: {alert.message}
              </td>
              <td>
                {alert.resolvedAt ? `resolved ${alert.resolvedAt.replace("T", " ").slice(0, 16)}` : <span className="pill pill-bad">open</span>}{" "}
                {alert.acknowledgedAt ? (
                  <span className="muted">acknowledged by {shortAddress(alert.acknowledgedBy ?? "")}</span>
                ) : (
                  <button type="button" className="button button-secondary" onClick={() => void acknowledge(alert.id)}>
                    Acknowledge
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {alerts.length === 0 && <p className="muted">No alerts. Conditions are checked every minute.</p>}

      <h2>Thresholds and webhook</h2>
      {isAdmin ? (
        <form onSubmit={(event) => void save(event)} className="admin-form" noValidate>
          <label htmlFor={`${ids}-off`}>Offline after (minutes without data)</label>
          <input id={`${ids}-off`} type="number" min={5} value={settings.offlineMinutes} onChange={(e) => setSettings({ ...settings, offlineMinutes: e.target.value })} />
          <label htmlFor={`${ids}-q`}>Quality drop below (score)</label>
          <input id={`${ids}-q`} type="number" min={0} max={100} value={settings.qualityBelow} onChange={(e) => setSettings({ ...settings, qualityBelow: e.target.value })} />
          <label htmlFor={`${ids}-b`}>Battery low below (%)</label>
          <input id={`${ids}-b`} type="number" min={0} max={100} value={settings.batteryBelow} onChange={(e) => setSettings({ ...settings, batteryBelow: e.target.value })} />
          <label htmlFor={`${ids}-url`}>Webhook URL (optional)</label>
          <input id={`${ids}-url`} value={settings.webhookUrl} onChange={(e) => setSettings({ ...settings, webhookUrl: e.target.value })} placeholder="https://…" />
          <label>
            <input type="checkbox" checked={settings.rotateSecret} onChange={(e) => setSettings({ ...settings, rotateSecret: e.target.checked })} /> Make a new signing secret
          </label>
          <p className="muted">
            Each call carries <code>X-DepinHub-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.body&quot;&gt;</code>; failed calls are retried with backoff.
          </p>
          <button type="submit" className="button">
            Save
          </button>
          {saveMessage && <p role="status">{saveMessage}</p>}
          {newSecret && (
            <p role="alert">
              Signing secret (shown once, copy it now): <code data-testid="webhook-secret">{newSecret}</code>
            </p>
          )}
        </form>
      ) : (
        <p className="muted">
          Offline after {initialSettings.offlineMinutes} min, quality below {initialSettings.qualityBelow}, battery below {initialSettings.batteryBelow}%. Only the project&apos;s admin
          can change these.
        </p>
      )}
    </>
  );
}
