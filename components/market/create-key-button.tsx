"use client";

import { useState } from "react";
import { ApiError, postJson } from "@/components/api-client";

interface IssuedKey {
  id: string;
  key: string;
  prefix: string;
  expiresAt: string;
}

/** Right after a purchase the order may not be indexed yet: retry a 404 this often, this many times. */
const INDEXING_RETRY_MS = 1_500;
const INDEXING_RETRIES = 40;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Creates an API key for one order and shows it once: it is stored only as a
 * hash. With `waitForIndexing` (just bought), a "no such order" answer means
 * the indexer has not seen the order yet, so it asks again for a while.
 */
export function CreateKeyButton({ orderId, waitForIndexing = false }: { orderId: string; waitForIndexing?: boolean }) {
  const [issued, setIssued] = useState<IssuedKey | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function create() {
    setBusy(true);
    setError(null);
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          setIssued(await postJson<IssuedKey>(`/api/market/orders/${orderId}/keys`));
          return;
        } catch (caught) {
          const indexing = waitForIndexing && caught instanceof ApiError && caught.code === "order_not_found";
          if (!indexing || attempt >= INDEXING_RETRIES) throw caught;
          await pause(INDEXING_RETRY_MS);
        }
      }
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "Could not create the key.");
    } finally {
      setBusy(false);
    }
  }

  async function copy(key: string) {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  if (issued) {
    return (
      <div role="status" data-testid="issued-key">
        <p>Copy this key now; it will not be shown again. It expires {issued.expiresAt.slice(0, 16).replace("T", " ")} UTC.</p>
        <code data-testid="issued-key-value">{issued.key}</code>{" "}
        <button type="button" onClick={() => copy(issued.key)}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    );
  }
  return (
    <>
      <button type="button" onClick={create} disabled={busy} data-testid={`create-key-${orderId}`}>
        {busy ? (waitForIndexing ? "Waiting for the order to be indexed…" : "Creating…") : "Create API key"}
      </button>
      {error && <span role="alert"> {error}</span>}
    </>
  );
}
