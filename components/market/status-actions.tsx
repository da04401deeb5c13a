"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, patchJson } from "@/components/api-client";

export interface StatusAction {
  status: string;
  label: string;
  /** Irreversible actions ask once more ("Close for good?") before they are sent. */
  confirm?: string;
}

/**
 * Buttons that PATCH `{ status }` to a market resource its owner controls (a listing, a request) and then
 * re-render the page from the server, so what it shows is what was stored.
 */
export function StatusActions({ endpoint, actions, testId }: { endpoint: string; actions: StatusAction[]; testId: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function apply(action: StatusAction) {
    if (action.confirm && confirming !== action.status) {
      setConfirming(action.status);
      return;
    }
    setBusy(action.status);
    setConfirming(null);
    setError(null);
    try {
      await patchJson(endpoint, { status: action.status });
      router.refresh();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Could not change the status. Try again.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="card" data-testid={testId}>
      <div className="status-actions">
        {actions.map((action) => (
          <button key={action.status} type="button" className="button" disabled={busy !== null} aria-busy={busy === action.status} onClick={() => void apply(action)}>
            {busy === action.status ? "Saving…" : confirming === action.status ? action.confirm : action.label}
          </button>
        ))}
        {confirming && (
          <button type="button" className="button button-secondary" onClick={() => setConfirming(null)}>
            Cancel
          </button>
        )}
      </div>
      {error && (
        <p role="alert">{error}</p>
      )}
    </div>
  );
}
