"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import { parseEventLogs, zeroAddress, type Address } from "viem";
import { projectRegistryAbi } from "@/lib/chain/abi.generated";
import { parseDeviceAddress } from "@/lib/devices/claim-label";
import { TransactionSteps } from "@/components/devices/transaction-steps";
import { fieldErrorBindings } from "@/components/field-errors";
import { useChainTransaction } from "@/components/use-chain-transaction";

interface FormErrors {
  name?: string;
  rewardToken?: string;
  operators?: string;
}

/** Parses the operator list (one address per line or comma-separated); null entries are errors. */
function parseOperators(text: string): { operators: Address[]; bad: string[] } {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  const operators: Address[] = [];
  const bad: string[] = [];
  for (const part of parts) {
    const address = parseDeviceAddress(part);
    if (!address) bad.push(part);
    else if (!operators.some((o) => o.toLowerCase() === address.toLowerCase())) operators.push(address);
  }
  return { operators, bad };
}

/**
 * Creates a project from the connected wallet (createProject), then appoints
 * each operator (addOperator, one transaction each: the contract has no batch).
 * The new project shows up in "My projects" once the indexer has seen it.
 */
export function CreateProjectForm() {
  const ids = useId();
  const router = useRouter();
  const create = useChainTransaction();
  const appoint = useChainTransaction();
  const [name, setName] = useState("");
  const [metadataUri, setMetadataUri] = useState("");
  const [rewardToken, setRewardToken] = useState("");
  const [operatorsText, setOperatorsText] = useState("");
  const [errors, setErrors] = useState<FormErrors>({});
  const [progress, setProgress] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const next: FormErrors = {};
    if (!name.trim()) next.name = "Give the project a name.";
    const token = rewardToken.trim() ? parseDeviceAddress(rewardToken) : zeroAddress;
    if (!token) next.rewardToken = "Enter the reward token's address (0x followed by 40 hexadecimal characters), or leave it empty.";
    const { operators, bad } = parseOperators(operatorsText);
    if (bad.length > 0) next.operators = `Not addresses: ${bad.slice(0, 3).join(", ")}${bad.length > 3 ? "…" : ""}`;
    setErrors(next);
    if (Object.keys(next).length > 0 || !token) return;

    setProgress(null);
    const receipt = await create.send({ abi: projectRegistryAbi, contract: "ProjectRegistry", functionName: "createProject", args: [name.trim(), metadataUri.trim(), token] });
    if (!receipt) return;
    const [created] = parseEventLogs({ abi: projectRegistryAbi, logs: receipt.logs, eventName: "ProjectCreated" });
    if (!created) return;
    const projectId = created.args.projectId;
    for (const [index, operator] of operators.entries()) {
      setProgress(`Appointing operator ${index + 1} of ${operators.length}…`);
      if (!(await appoint.send({ abi: projectRegistryAbi, contract: "ProjectRegistry", functionName: "addOperator", args: [projectId, operator] }))) {
        setProgress(`Project #${projectId} was created, but appointing ${operator} failed. You can add operators later.`);
        return;
      }
    }
    setProgress(`Project #${projectId} created. It appears in your projects within a few seconds.`);
    setName("");
    setMetadataUri("");
    setRewardToken("");
    setOperatorsText("");
    // The indexer needs a moment; refresh a few times rather than make the user reload.
    for (const delay of [1500, 4000, 8000]) setTimeout(() => router.refresh(), delay);
  };

  const { field, errorOf } = fieldErrorBindings<keyof FormErrors>(ids, errors);

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Create a project</h2>
      <form onSubmit={(event) => void onSubmit(event)} noValidate className="admin-form" data-testid="create-project">
        <label htmlFor={`${ids}-name`}>Name</label>
        <input id={`${ids}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} {...field("name")} />
        {errorOf("name")}

        <label htmlFor={`${ids}-uri`}>Metadata URI (optional)</label>
        <input id={`${ids}-uri`} value={metadataUri} onChange={(e) => setMetadataUri(e.target.value)} placeholder="ipfs://… or https://…" maxLength={500} />

        <label htmlFor={`${ids}-token`}>Reward token (optional)</label>
        <input id={`${ids}-token`} value={rewardToken} onChange={(e) => setRewardToken(e.target.value)} placeholder="0x…" spellCheck={false} autoComplete="off" {...field("rewardToken")} />
        {errorOf("rewardToken")}

        <label htmlFor={`${ids}-ops`}>Operators (optional, one address per line)</label>
        <textarea id={`${ids}-ops`} value={operatorsText} onChange={(e) => setOperatorsText(e.target.value)} rows={3} spellCheck={false} {...field("operators")} />
        {errorOf("operators")}

        <p className="muted">You become the project&apos;s admin. Each operator is one more transaction.</p>
        <button type="submit" className="button" disabled={create.busy || appoint.busy} aria-busy={create.busy || appoint.busy}>
          Create the project
        </button>
      </form>
      <TransactionSteps state={create.state} title="Create project transaction" />
      {appoint.state.step !== "idle" && <TransactionSteps state={appoint.state} title="Operator transaction" />}
      {progress && (
        <p role="status" data-testid="create-project-progress">
          {progress}
        </p>
      )}
    </section>
  );
}
