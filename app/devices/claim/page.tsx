import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { demoButtonEnabled } from "@/lib/devices/demo-button";
import { ClaimFlow } from "@/components/devices/claim-flow";

export const metadata: Metadata = { title: "Claim a device" };

export default async function ClaimDevicePage() {
  const session = await getSession();
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/devices">← My devices</Link>
      </p>
      <h1 id="page-title">Claim a device</h1>
      <p className="lead">
        A device becomes yours on-chain when it proves you have it: it signs a claim for your wallet, with its own key (pairing) or with the
        claim key on its label.
      </p>
      {session ? (
        <ClaimFlow owner={session.address} demoButton={demoButtonEnabled(serverEnv().CHAIN_ID)} />
      ) : (
        <div className="card" data-testid="claim-signed-out">
          <h2>Sign in to claim a device</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      )}
    </section>
  );
}
