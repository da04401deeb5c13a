import type { Metadata } from "next";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "My devices" };

export default async function DevicesPage() {
  const session = await getSession();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">My devices</h1>
      {session ? (
        <div className="card placeholder" data-testid="devices-empty">
          <p>
            Signed in as <code className="address">{session.address}</code>.
          </p>
          <h2>No devices yet</h2>
          <p>
            Devices you claim appear here with their status and earnings. Claiming — the device proves possession by
            signing — is coming next.
          </p>
        </div>
      ) : (
        <div className="card placeholder" data-testid="devices-signed-out">
          <h2>Sign in to see your devices</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      )}
    </section>
  );
}
