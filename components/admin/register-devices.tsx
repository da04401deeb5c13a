"use client";

import { useId, useRef, useState, type ChangeEvent } from "react";
import { stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAddress } from "viem/accounts";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import { chunk, decideBatch } from "@/lib/admin/batches";
import { csvField } from "@/lib/admin/csv";
import { addressesIn, hasErrors, MAX_DEVICES_PER_UPLOAD, modelFitsOnChain, validateDeviceCsv, type DeviceCsvReport, type DeviceRow } from "@/lib/admin/device-csv";
import { apiFetch, postJson } from "@/components/api-client";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { usePublicConfig } from "@/components/public-config-context";
import { downloadBlob } from "./download";
import { useChainTransaction } from "@/components/use-chain-transaction";

/** Devices per registerDevices transaction: ~50k gas each keeps a batch far below a block's gas limit. */
const BATCH_SIZE = 100;
const METADATA_CHUNK = 5_000;

type Progress =
  | { phase: "idle" }
  | { phase: "running"; done: number; total: number; message: string }
  | { phase: "failed"; done: number; total: number; message: string }
  | { phase: "finished"; done: number; total: number; sent: number };

interface Props {
  projectId: number;
  onchainId: string;
  slug: string;
}

type PlannedRow = DeviceRow & { keyGeneratedHere: boolean };

/** Rows to register with a claim key for every device, generated here when the file had none. */
function withClaimKeys(rows: DeviceRow[], generate: boolean): PlannedRow[] {
  return rows.map((row) => {
    if (row.claimKey || !generate) return { ...row, keyGeneratedHere: false };
    const claimPrivateKey = generatePrivateKey();
    return { ...row, claimPrivateKey, claimKey: privateKeyToAddress(claimPrivateKey), keyGeneratedHere: true };
  });
}

export function RegisterDevices({ projectId, onchainId, slug }: Props) {
  const ids = useId();
  const { contracts } = usePublicConfig();
  const tx = useChainTransaction();
  const [mode, setMode] = useState<"csv" | "generate">("csv");
  const [csvText, setCsvText] = useState("");
  const [report, setReport] = useState<DeviceCsvReport | null>(null);
  const [checking, setChecking] = useState(false);
  const [checkError, setCheckError] = useState<string | null>(null);
  const [generateClaimKeys, setGenerateClaimKeys] = useState(true);
  const [plan, setPlan] = useState<PlannedRow[] | null>(null);
  // Devices this page registered: only their generated claim keys are the ones on-chain.
  const [sentHere, setSentHere] = useState<ReadonlySet<string>>(new Set());
  const [progress, setProgress] = useState<Progress>({ phase: "idle" });
  const [labelsBusy, setLabelsBusy] = useState(false);
  const [generateForm, setGenerateForm] = useState({ count: "10", model: "", serialPrefix: "", firmware: "" });
  const [generateError, setGenerateError] = useState<string | null>(null);
  const [deviceKeys, setDeviceKeys] = useState<Array<{ address: Address; privateKey: Hex }> | null>(null);
  const running = useRef(false);
  const base = `/api/admin/projects/${projectId}`;

  const check = async (text: string) => {
    setChecking(true);
    setCheckError(null);
    setPlan(null);
    setProgress({ phase: "idle" });
    try {
      const { registered } = await postJson<{ registered: Record<string, string> }>(`${base}/devices/lookup`, { addresses: addressesIn(text).slice(0, MAX_DEVICES_PER_UPLOAD) });
      const lookup = new Map(Object.entries(registered).map(([address, project]) => [address, BigInt(project)]));
      const next = validateDeviceCsv(text, { projectId: BigInt(onchainId), registered: lookup });
      setReport(next);
      if (!hasErrors(next)) setPlan(withClaimKeys(next.rows, generateClaimKeys));
    } catch (error) {
      setCheckError(error instanceof Error ? error.message : "The check failed.");
    } finally {
      setChecking(false);
    }
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    setCsvText(text);
    setReport(null);
    setPlan(null);
  };

  const generate = () => {
    const count = Number(generateForm.count);
    if (!Number.isInteger(count) || count < 1 || count > 5_000) return setGenerateError("Generate between 1 and 5,000 devices at a time.");
    if (!generateForm.model.trim() || !modelFitsOnChain(generateForm.model.trim())) return setGenerateError("Enter a model name of at most 32 bytes.");
    setGenerateError(null);
    const keys = Array.from({ length: count }, () => {
      const privateKey = generatePrivateKey();
      return { privateKey, address: privateKeyToAddress(privateKey) };
    });
    setDeviceKeys(keys);
    const width = String(count).length;
    const lines = ["address,model,serial,firmware", ...keys.map((k, i) => [k.address, generateForm.model.trim(), generateForm.serialPrefix ? `${generateForm.serialPrefix}${String(i + 1).padStart(width, "0")}` : "", generateForm.firmware.trim()].map(csvField).join(","))];
    const text = lines.join("\n");
    setCsvText(text);
    void check(text);
  };

  const downloadDeviceKeys = () => {
    if (!deviceKeys || !plan) return;
    const byAddress = new Map(plan.map((row) => [row.address.toLowerCase(), row]));
    const lines = [
      "address,private_key,model,serial,firmware,claim_key_address",
      ...deviceKeys.map((k) => {
        const row = byAddress.get(k.address.toLowerCase());
        return [k.address, k.privateKey, row?.model, row?.serial, row?.firmware, row?.claimKey].map(csvField).join(",");
      }),
    ];
    downloadBlob(`${slug}-device-keys.csv`, lines.join("\r\n"), "text/csv");
  };

  const register = async () => {
    if (!plan || running.current || !tx.publicClient || !contracts?.DeviceRegistry) return;
    running.current = true;
    const total = plan.length;
    const projectOnchainId = BigInt(onchainId);
    let done = 0;
    let sent = 0;
    try {
      setProgress({ phase: "running", done, total, message: "Saving serials and firmware…" });
      for (const part of chunk(plan, METADATA_CHUNK)) {
        await apiFetch(`${base}/devices/metadata`, {
          method: "PUT",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ devices: part.map(({ address, model, serial, firmware }) => ({ address, model, serial, firmware })) }),
        });
      }
      const batches = chunk(plan, BATCH_SIZE);
      for (const [index, batch] of batches.entries()) {
        setProgress({ phase: "running", done, total, message: `Batch ${index + 1} of ${batches.length}: checking the chain…` });
        const onChain = await Promise.all(
          batch.map((row) => tx.publicClient!.readContract({ address: contracts.DeviceRegistry!, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [row.address] }).then((info) => info.projectId)),
        );
        const decision = decideBatch(batch, onChain, projectOnchainId);
        if (decision.kind === "conflict") {
          setProgress({ phase: "failed", done, total, message: `${decision.devices.length} device(s) in batch ${index + 1} are registered under another project, e.g. line ${decision.devices[0]!.line}. Remove them and check again.` });
          return;
        }
        done += decision.alreadyDone;
        if (decision.toSend.length > 0) {
          setProgress({ phase: "running", done, total, message: `Batch ${index + 1} of ${batches.length}: ${decision.toSend.length} devices, confirm in your wallet…` });
          const receipt = await tx.send({
            abi: deviceRegistryAbi,
            contract: "DeviceRegistry",
            functionName: "registerDevices",
            args: [projectOnchainId, decision.toSend.map((row) => ({ device: row.address, model: stringToHex(row.model, { size: 32 }), claimKey: row.claimKey ?? zeroAddress }))],
          });
          if (!receipt) {
            setProgress({ phase: "failed", done, total, message: `Batch ${index + 1} was not registered. Resume to continue: devices already registered are skipped.` });
            return;
          }
          done += decision.toSend.length;
          sent += decision.toSend.length;
          setSentHere((previous) => new Set([...previous, ...decision.toSend.map((row) => row.address.toLowerCase())]));
        }
      }
      setProgress({ phase: "finished", done, total, sent });
    } catch (error) {
      setProgress({ phase: "failed", done, total, message: `${error instanceof Error ? error.message.split("\n")[0] : "Registration stopped"}. Resume to continue: devices already registered are skipped.` });
    } finally {
      running.current = false;
    }
  };

  // A generated key is printable only once this page registered it: a device found already registered
  // (an earlier attempt) carries the claim key of that attempt, not this one.
  const labelRows =
    plan?.filter((row): row is PlannedRow & { claimPrivateKey: Hex } => row.claimPrivateKey !== null && (!row.keyGeneratedHere || sentHere.has(row.address.toLowerCase()))) ?? [];
  const downloadLabels = async () => {
    setLabelsBusy(true);
    try {
      const { claimLabelsPdf } = await import("@/lib/admin/labels-pdf");
      const bytes = await claimLabelsPdf(labelRows.map((row) => ({ device: row.address, claimPrivateKey: row.claimPrivateKey, model: row.model, serial: row.serial })));
      downloadBlob(`${slug}-claim-labels.pdf`, bytes as Uint8Array<ArrayBuffer>, "application/pdf");
      await postJson(`${base}/audit`, { action: "labels.generate", count: labelRows.length }).catch(() => undefined);
    } finally {
      setLabelsBusy(false);
    }
  };

  const errors = report?.issues.filter((i) => i.severity === "error") ?? [];
  const warnings = report?.issues.filter((i) => i.severity === "warning") ?? [];
  const busy = progress.phase === "running";

  return (
    <div className="admin-register">
      <div role="radiogroup" aria-label="How to add devices" className="admin-mode">
        <label>
          <input type="radio" name={`${ids}-mode`} checked={mode === "csv"} onChange={() => setMode("csv")} /> Upload a CSV
        </label>
        <label>
          <input type="radio" name={`${ids}-mode`} checked={mode === "generate"} onChange={() => setMode("generate")} /> Generate keys for a manufacturing batch
        </label>
      </div>

      {mode === "csv" ? (
        <section className="card" aria-labelledby={`${ids}-csv`}>
          <h2 id={`${ids}-csv`}>Device list</h2>
          <p className="muted">
            Columns: <code>address, model, serial, firmware, claim key</code> (a header row in any order, or none in this order). The claim key may be the
            key&apos;s address or its private key; with the private key (or a key generated here) claim labels can be printed.
          </p>
          <label htmlFor={`${ids}-file`}>CSV file</label>
          <input id={`${ids}-file`} type="file" accept=".csv,text/csv,text/plain" onChange={(e) => void onFile(e)} data-testid="csv-file" />
          <label htmlFor={`${ids}-text`}>or paste it</label>
          <textarea id={`${ids}-text`} value={csvText} onChange={(e) => { setCsvText(e.target.value); setReport(null); setPlan(null); }} rows={8} spellCheck={false} className="mono" data-testid="csv-text" />
          <label>
            <input type="checkbox" checked={generateClaimKeys} onChange={(e) => { setGenerateClaimKeys(e.target.checked); setPlan(null); setReport(null); }} /> Generate a claim key for
            devices without one (for printed labels)
          </label>
          <p>
            <button type="button" className="button" onClick={() => void check(csvText)} disabled={checking || busy || !csvText.trim()} aria-busy={checking}>
              Check the list
            </button>
          </p>
        </section>
      ) : (
        <section className="card" aria-labelledby={`${ids}-gen`}>
          <h2 id={`${ids}-gen`}>Generate device keys</h2>
          <p className="muted">
            Keys are generated in your browser and never sent to the server. Download them once, to flash onto the devices: they cannot be shown again.
          </p>
          <div className="admin-form">
            <label htmlFor={`${ids}-count`}>Number of devices</label>
            <input id={`${ids}-count`} inputMode="numeric" value={generateForm.count} onChange={(e) => setGenerateForm({ ...generateForm, count: e.target.value })} />
            <label htmlFor={`${ids}-model`}>Model</label>
            <input id={`${ids}-model`} value={generateForm.model} onChange={(e) => setGenerateForm({ ...generateForm, model: e.target.value })} />
            <label htmlFor={`${ids}-prefix`}>Serial prefix (optional)</label>
            <input id={`${ids}-prefix`} value={generateForm.serialPrefix} onChange={(e) => setGenerateForm({ ...generateForm, serialPrefix: e.target.value })} placeholder="AQ-2026-" />
            <label htmlFor={`${ids}-fw`}>Firmware (optional)</label>
            <input id={`${ids}-fw`} value={generateForm.firmware} onChange={(e) => setGenerateForm({ ...generateForm, firmware: e.target.value })} />
          </div>
          {generateError && <p role="alert">{generateError}</p>}
          <p>
            <button type="button" className="button" onClick={generate} disabled={busy}>
              Generate
            </button>{" "}
            {deviceKeys && plan && (
              <button type="button" className="button button-secondary" onClick={downloadDeviceKeys} data-testid="download-device-keys">
                Download {deviceKeys.length} device keys (CSV)
              </button>
            )}
          </p>
        </section>
      )}

      {checkError && <p role="alert">{checkError}</p>}
      {report && (
        <section className="card" aria-labelledby={`${ids}-report`} data-testid="validation-report">
          <h2 id={`${ids}-report`}>Validation report</h2>
          <p data-testid="validation-summary">
            {report.totalRows} rows: {report.rows.length} ready to register, {report.alreadyRegistered} already registered (skipped), {errors.length} error{errors.length === 1 ? "" : "s"}.
          </p>
          {(errors.length > 0 || warnings.length > 0) && (
            <table className="device-table">
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {[...errors, ...warnings].slice(0, 500).map((issue, index) => (
                  <tr key={`${issue.line}-${index}`} data-severity={issue.severity}>
                    <td>{issue.line || "—"}</td>
                    <td>{issue.column ?? "—"}</td>
                    <td>
                      <span className={issue.severity === "error" ? "pill pill-bad" : "pill"}>{issue.severity}</span> {issue.message}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {errors.length > 0 && <p role="alert">Fix the errors in the file and check it again. Nothing has been sent.</p>}
        </section>
      )}

      {plan && plan.length > 0 && (
        <section className="card" aria-labelledby={`${ids}-reg`}>
          <h2 id={`${ids}-reg`}>Register on-chain</h2>
          <p>
            {plan.length} devices in {Math.ceil(plan.length / BATCH_SIZE)} transaction{plan.length > BATCH_SIZE ? "s" : ""} of up to {BATCH_SIZE}. Before each batch the chain
            is checked, so resuming after a failure never registers a device twice.
          </p>
          <button type="button" className="button" onClick={() => void register()} disabled={busy} aria-busy={busy} data-testid="register-devices">
            {progress.phase === "failed" ? "Resume registration" : "Register devices"}
          </button>
          {progress.phase !== "idle" && (
            <div data-testid="registration-progress" data-phase={progress.phase}>
              <progress max={progress.total} value={progress.done} aria-label="Devices registered" /> {progress.done} / {progress.total}
              <p role="status">
                {progress.phase === "finished" ? `Done: ${progress.sent} registered now, ${progress.done - progress.sent} were already registered.` : progress.message}
              </p>
            </div>
          )}
          <TransactionSteps state={tx.state} title="Registration transaction" />
          {labelRows.length > 0 && (
            <p>
              <button type="button" className="button button-secondary" onClick={() => void downloadLabels()} disabled={labelsBusy} aria-busy={labelsBusy} data-testid="download-labels">
                Download {labelRows.length} claim labels (PDF)
              </button>{" "}
              <span className="muted">Claim keys generated here exist only in this page: print the labels before you leave it.</span>
            </p>
          )}
        </section>
      )}
    </div>
  );
}
