"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";
import type { Address } from "viem";
import { parseDeviceAddress } from "@/lib/devices/claim-label";
import { TransactionSteps } from "./transaction-steps";
import { useRegistryTransaction } from "./use-registry-transaction";

/** Owner-only: transfer the device's token to another address, or release it back to unclaimed. */
export function OwnerActions({ device, owner }: { device: Address; owner: Address }) {
  const ids = useId();
  const router = useRouter();
  const transfer = useRegistryTransaction();
  const release = useRegistryTransaction();
  const [recipient, setRecipient] = useState("");
  const [recipientError, setRecipientError] = useState<string | null>(null);
  const [confirmRelease, setConfirmRelease] = useState(false);

  const onTransfer = async (event: FormEvent) => {
    event.preventDefault();
    const to = parseDeviceAddress(recipient);
    if (!to) return setRecipientError("Enter the recipient's address: 0x followed by 40 hexadecimal characters.");
    if (to.toLowerCase() === owner.toLowerCase()) return setRecipientError("That is your own address.");
    setRecipientError(null);
    // safeTransferFrom refuses contracts that cannot hold the token, so it is not lost.
    if (await transfer.send({ functionName: "safeTransferFrom", args: [owner, to, BigInt(device)] })) router.refresh();
  };

  const onRelease = async () => {
    setConfirmRelease(false);
    if (await release.send({ functionName: "release", args: [device] })) router.refresh();
  };

  return (
    <section className="card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Manage your device</h2>
      <form onSubmit={(event) => void onTransfer(event)} noValidate>
        <h3>Transfer</h3>
        <label htmlFor={`${ids}-to`}>Recipient address</label>
        <input
          id={`${ids}-to`}
          value={recipient}
          onChange={(event) => setRecipient(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          placeholder="0x…"
          aria-invalid={recipientError ? true : undefined}
          aria-describedby={recipientError ? `${ids}-to-error` : undefined}
        />
        {recipientError && (
          <p id={`${ids}-to-error`} role="alert">
            {recipientError}
          </p>
        )}
        <button type="submit" className="button" disabled={transfer.busy} aria-busy={transfer.busy}>
          Transfer the device
        </button>
      </form>
      <TransactionSteps state={transfer.state} title="Transfer transaction" />

      <h3>Release</h3>
      <p>Releasing makes the device unclaimed again, so anyone who can prove possession can claim it.</p>
      {confirmRelease ? (
        <p>
          <button type="button" className="button" onClick={() => void onRelease()}>
            Yes, release it
          </button>{" "}
          <button type="button" className="button button-secondary" onClick={() => setConfirmRelease(false)}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="button" className="button button-secondary" onClick={() => setConfirmRelease(true)} disabled={release.busy} aria-busy={release.busy}>
          Release the device
        </button>
      )}
      <TransactionSteps state={release.state} title="Release transaction" />
    </section>
  );
}
