import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { NewListingForm } from "@/components/market/new-listing-form";
import { METRICS } from "@/lib/aggregates/reading";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { sellableDevices } from "@/lib/market/seller-devices";

export const metadata: Metadata = { title: "New listing" };

export default async function NewListingPage() {
  const session = await getSession();
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/market">← Market</Link>
      </p>
      <h1 id="page-title">New listing</h1>
      {session ? (
        <NewListingForm devices={await sellableDevices(db(), session.address)} metricNames={METRICS.map((metric) => metric.name)} />
      ) : (
        <div className="card placeholder" data-testid="market-signed-out">
          <h2>Sign in to list your devices</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      )}
    </section>
  );
}
