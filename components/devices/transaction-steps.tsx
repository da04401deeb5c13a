"use client";

import { explorerTxUrl } from "@/lib/devices/format";
import { usePublicConfig } from "@/components/public-config-context";
import type { TransactionState } from "./use-registry-transaction";

const STEPS = [
  { key: "sign", label: "Confirm in your wallet" },
  { key: "pending", label: "Waiting for the network" },
  { key: "confirmed", label: "Confirmed" },
] as const;

const ORDER: Record<TransactionState["step"], number> = { idle: -1, checking: -1, sign: 0, pending: 1, confirmed: 2, failed: -1 };

function TransactionLink({ hash }: { hash: string }) {
  const { explorerUrl } = usePublicConfig();
  const url = explorerTxUrl(explorerUrl, hash);
  return url ? (
    <a href={url} target="_blank" rel="noreferrer">
      View the transaction in the explorer
    </a>
  ) : (
    <span>
      Transaction <code className="address">{hash}</code>
    </span>
  );
}

/** Where a wallet transaction is, announced politely to screen readers as it moves. */
export function TransactionSteps({ state, title }: { state: TransactionState; title: string }) {
  if (state.step === "idle") return null;
  const current = ORDER[state.step];
  const hash = "hash" in state ? state.hash : undefined;
  return (
    <section className="card tx-steps" aria-label={title} data-testid="transaction-steps">
      <h3>{title}</h3>
      <ol>
        {STEPS.map((step, index) => {
          const status = index < current || state.step === "confirmed" ? "done" : index === current ? "current" : "todo";
          return (
            <li key={step.key} aria-current={status === "current" ? "step" : undefined} data-status={status}>
              {status === "done" ? "✓ " : status === "current" ? "… " : ""}
              {step.label}
            </li>
          );
        })}
      </ol>
      <div aria-live="polite" role="status" data-testid="transaction-status">
        {state.step === "checking" && <p>Checking the transaction with the network…</p>}
        {state.step === "sign" && <p>Confirm the transaction in your wallet.</p>}
        {state.step === "pending" && <p>Sent. Waiting for it to be included in a block…</p>}
        {state.step === "confirmed" && <p>Done: the transaction is confirmed.</p>}
        {hash && (
          <p>
            <TransactionLink hash={hash} />
          </p>
        )}
      </div>
      {state.step === "failed" && (
        <div role="alert" className="tx-error" data-testid="transaction-error" data-code={state.failure.code}>
          <p>{state.failure.message}</p>
          {state.failure.detail && state.failure.code === "unknown" && (
            <details>
              <summary>Details</summary>
              <p>{state.failure.detail}</p>
            </details>
          )}
        </div>
      )}
    </section>
  );
}
