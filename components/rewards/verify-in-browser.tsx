"use client";

import { useState } from "react";

export interface VerifiableBatch {
  batchIndex: number;
  proof: unknown;
  publicSignals: string[] | null;
}

type Result = "checking" | "valid" | "invalid" | "missing" | "error";

/**
 * Checks each batch's Groth16 proof with snarkjs in this browser against the committed verification key, so nobody
 * has to trust our server or the contract's verifier. snarkjs and the key are loaded only when the button is pressed.
 */
export function VerifyInBrowser({ batches }: { batches: VerifiableBatch[] }) {
  const [results, setResults] = useState<Record<number, Result>>({});
  const [error, setError] = useState<string | null>(null);
  const running = Object.values(results).includes("checking");

  async function verify() {
    setError(null);
    setResults(Object.fromEntries(batches.map((b) => [b.batchIndex, "checking" as const])));
    try {
      const [{ groth16 }, verificationKey] = await Promise.all([import("snarkjs"), import("@/circuits/build/verification_key.json").then((m) => m.default)]);
      for (const batch of batches) {
        let result: Result;
        if (!batch.proof || !batch.publicSignals) result = "missing";
        else {
          try {
            result = (await groth16.verify(verificationKey, batch.publicSignals, batch.proof as never)) ? "valid" : "invalid";
          } catch {
            result = "invalid";
          }
        }
        setResults((previous) => ({ ...previous, [batch.batchIndex]: result }));
      }
    } catch (cause) {
      setError(`The verifier could not run in this browser: ${cause instanceof Error ? cause.message : String(cause)}`);
      setResults(Object.fromEntries(batches.map((b) => [b.batchIndex, "error" as const])));
    }
  }

  const label: Record<Result, string> = { checking: "checking…", valid: "valid", invalid: "INVALID", missing: "not proved yet", error: "could not check" };
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Verify in my browser</h2>
      <p>Runs the Groth16 verifier (snarkjs) on this page against the circuit&apos;s published verification key and each batch&apos;s public signals.</p>
      <button type="button" className="button" onClick={verify} disabled={running || batches.length === 0} data-testid="verify-in-browser">
        {running ? "Verifying…" : "Verify in my browser"}
      </button>
      <ul aria-live="polite" data-testid="verify-results">
        {batches
          .filter((b) => results[b.batchIndex])
          .map((b) => (
            <li key={b.batchIndex} data-testid={`verify-batch-${b.batchIndex}`} data-result={results[b.batchIndex]}>
              Batch {b.batchIndex}: {label[results[b.batchIndex]!]}
            </li>
          ))}
      </ul>
      {error && (
        <p role="alert" className="tx-error">
          {error}
        </p>
      )}
    </section>
  );
}
