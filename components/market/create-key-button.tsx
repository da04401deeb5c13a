"use client";

import { useState } from "react";
import { ApiError, postJson } from "@/components/api-client";

interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
  expiresAt: string;
}

/** Creates an API key for one order and shows it once: it is stored only as a hash. */
export function CreateKeyButton({ orderId }: { orderId: string }) {
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function create() {
    setBusy(true);
    setError(null);
    try {
      setIssued(await postJson<IssuedKey>(`/api/market/orders/${orderId}/keys`));
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Could not create the key.");
    } finally {
      setBusy(false);
    }
  }

  if (issued) {
    return (
      <div role="status" data-testid="issued-key">
        <p>Copy this key now; it will not be shown again. It expires {issued.expiresAt.slice(0, 10)}.</p>
        <code data-testid="issued-key-value">{issued.key}</code>
      </div>
    );
  }
  return (
    <>
      <button type="button" onClick={create} disabled={busy} data-testid={`create-key-${orderId}`}>
        Create API key
      </button>
      {error && <span role="alert"> {error}</span>}
    </>
  );
}
