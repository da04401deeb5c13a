"use client";

import Link from "next/link";
import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useId, useState, type FormEvent } from "react";
import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { useAccount } from "wagmi";
import type { PairingView } from "@/lib/devices/api-types";
import { explainFailure, FAILURE_MESSAGES } from "@/lib/devices/claim-errors";
import { parseClaimLabel, parseDeviceAddress } from "@/lib/devices/claim-label";
import { claimArgs, claimTypedData, deadlineAfter, LABEL_CLAIM_VALIDITY_SECONDS } from "@/lib/devices/claim-typed-data";
import { usePublicConfig } from "@/components/public-config-context";
import { DeviceSummary } from "./device-summary";
import { LabelScanner } from "./label-scanner";
import { PairingPanel } from "./pairing-panel";
import { TransactionSteps } from "./transaction-steps";
import { useDevicePreview } from "./use-device-preview";
import { useRegistryTransaction } from "./use-registry-transaction";

type Method = "label" | "pairing";
/** The device being claimed; for a label claim its key lives only here, in memory, never in a request. */
type Target = { device: Address; claimKey: Hex | null };

export function ClaimFlow({ owner, demoButton }: { owner: Address; demoButton: boolean }) {
  const ids = useId();
  const [method, setMethod] = useState<Method>("label");
  const [text, setText] = useState("");
  const [inputError, setInputError] = useState<string | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [pairingClaim, setPairingClaim] = useState<PairingView["claim"]>(null);
  const [signError, setSignError] = useState<string | null>(null);

  const { chainId, contracts } = usePublicConfig();
  const { address: walletAddress } = useAccount();
  const queryClient = useQueryClient();
  const device = useDevicePreview(target?.device ?? null);
  const tx = useRegistryTransaction();

  const chooseMethod = (next: Method) => {
    setMethod(next);
    setText("");
    setTarget(null);
    setInputError(null);
    setPairingClaim(null);
    tx.reset();
  };

  const readInput = (value: string): Target | null => {
    if (method === "label") {
      const parsed = parseClaimLabel(value);
      if (!parsed.ok) {
        setInputError(parsed.reason);
        return null;
      }
      return { device: parsed.label.device, claimKey: parsed.label.claimPrivateKey };
    }
    const address = parseDeviceAddress(value);
    if (!address) setInputError("Enter the device address printed on it: 0x followed by 40 hexadecimal characters.");
    return address ? { device: address, claimKey: null } : null;
  };

  const showDevice = (value: string) => {
    setInputError(null);
    setPairingClaim(null);
    setSignError(null);
    tx.reset();
    setTarget(readInput(value));
  };

  const onSubmit = (event: FormEvent) => {
    // Never a real form submission: the label's key must not leave the page.
    event.preventDefault();
    showDevice(text);
  };

  const onScan = useCallback((scanned: string) => {
    setText(scanned);
    setInputError(null);
    const parsed = parseClaimLabel(scanned);
    if (parsed.ok) setTarget({ device: parsed.label.device, claimKey: parsed.label.claimPrivateKey });
    else setInputError(parsed.reason);
  }, []);

  const sendClaim = async (deadline: bigint, signature: Hex) => {
    if (!target) return;
    const ok = await tx.send({ functionName: "claim", args: claimArgs({ device: target.device, owner, deadline }, signature) });
    if (ok) await queryClient.invalidateQueries({ queryKey: ["devices"] });
  };

  const claimWithLabel = async () => {
    if (!target?.claimKey || !device.chain || !contracts?.DeviceRegistry) return;
    setSignError(null);
    try {
      const deadline = deadlineAfter(new Date(), LABEL_CLAIM_VALIDITY_SECONDS);
      // Signed in the browser with the label's key; only the signature goes into the transaction.
      const signature = await privateKeyToAccount(target.claimKey).signTypedData(
        claimTypedData({ chainId, registry: contracts.DeviceRegistry, owner, device: target.device, nonce: device.chain.nonce, deadline }),
      );
      await sendClaim(deadline, signature);
    } catch (error) {
      setSignError(explainFailure(error).message);
    }
  };

  const walletMismatch = walletAddress !== undefined && walletAddress.toLowerCase() !== owner.toLowerCase();
  const inputId = `${ids}-input`;
  const hintId = `${ids}-hint`;
  const errorId = `${ids}-error`;

  return (
    <div className="claim-flow">
      <fieldset className="card">
        <legend>1. How do you prove you have the device?</legend>
        <label className="choice">
          <input type="radio" name="claim-method" checked={method === "label"} onChange={() => chooseMethod("label")} /> With the claim label from
          the box (QR code or text)
        </label>
        <label className="choice">
          <input type="radio" name="claim-method" checked={method === "pairing"} onChange={() => chooseMethod("pairing")} /> By pairing: the
          device is online and has a pair button
        </label>
      </fieldset>

      <form className="card" onSubmit={onSubmit} noValidate>
        <h2>2. {method === "label" ? "Your claim label" : "The device address"}</h2>
        <label htmlFor={inputId}>{method === "label" ? "Claim label text" : "Device address"}</label>
        {method === "label" ? (
          <textarea
            id={inputId}
            value={text}
            onChange={(event) => setText(event.target.value)}
            rows={3}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${hintId}${inputError ? ` ${errorId}` : ""}`}
            aria-invalid={inputError ? true : undefined}
            placeholder="depinhub:claim:0x…:0x…"
          />
        ) : (
          <input
            id={inputId}
            value={text}
            onChange={(event) => setText(event.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-describedby={`${hintId}${inputError ? ` ${errorId}` : ""}`}
            aria-invalid={inputError ? true : undefined}
            placeholder="0x…"
          />
        )}
        <p id={hintId} className="muted">
          {method === "label"
            ? "Paste the text under the QR code. The claim key in it stays in this page: it signs here and is never sent anywhere."
            : "The address printed on the device (it is also the device's public key)."}
        </p>
        {method === "label" && <LabelScanner onScan={onScan} />}
        {inputError && (
          <p id={errorId} role="alert">
            {inputError}
          </p>
        )}
        <button type="submit" className="button">
          Show the device
        </button>
      </form>

      {target && (
        <section className="card" aria-labelledby={`${ids}-preview`} aria-busy={device.loading}>
          <h2 id={`${ids}-preview`}>3. Check the device</h2>
          {device.loading && <p role="status">Loading the device…</p>}
          {device.error && !device.loading && <p role="alert">Could not load the device. Check your connection and try again.</p>}
          {device.preview && <DeviceSummary preview={device.preview} chain={device.chain} />}
          {!device.loading && device.blocker && tx.state.step !== "confirmed" && (
            <p role="alert" data-testid="claim-blocker" data-code={device.blocker}>
              {FAILURE_MESSAGES[device.blocker]}
            </p>
          )}
          {walletMismatch && <p role="alert">Your wallet is on another account than the one you signed in with. Switch back to {owner}.</p>}
        </section>
      )}

      {target && !device.loading && device.chain && !device.blocker && !walletMismatch && tx.state.step !== "confirmed" && (
        <section className="card" aria-labelledby={`${ids}-claim`}>
          <h2 id={`${ids}-claim`}>4. Claim it to your wallet</h2>
          {method === "label" ? (
            <>
              <p>Your browser signs the claim with the label&apos;s key, then your wallet sends it.</p>
              <button type="button" className="button" onClick={() => void claimWithLabel()} disabled={tx.busy} aria-busy={tx.busy}>
                Sign and claim
              </button>
              {signError && <p role="alert">{signError}</p>}
            </>
          ) : pairingClaim ? (
            <button type="button" className="button" onClick={() => void sendClaim(BigInt(pairingClaim.deadline), pairingClaim.signature)} disabled={tx.busy} aria-busy={tx.busy}>
              Send the claim from your wallet
            </button>
          ) : (
            <PairingPanel device={target.device} demoButton={demoButton} onSigned={(pairing) => setPairingClaim(pairing.claim)} />
          )}
        </section>
      )}

      <TransactionSteps state={tx.state} title="Claim transaction" />
      {tx.state.step === "confirmed" && target && (
        <p className="card">
          The device is yours. <Link href={`/devices/${target.device}`}>Open its page</Link> or go to <Link href="/devices">My devices</Link> (it
          appears there as soon as the index catches up, usually within seconds).
        </p>
      )}
    </div>
  );
}
