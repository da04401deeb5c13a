import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { NewRequestForm } from "@/components/market/new-request-form";
import { METRICS } from "@/lib/aggregates/reading";
import { getSession } from "@/lib/auth/session";

export const metadata: Metadata = { title: "New request" };

export default async function NewRequestPage() {
  const session = await getSession();
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/market">← Market</Link>
      </p>
      <h1 id="page-title">New request</h1>
      <p>Ask for data you need where no listing offers it yet; device owners whose devices fit are told.</p>
      {session ? (
        <NewRequestForm metricNames={METRICS.map((metric) => metric.name)} />
      ) : (
        <div className="card placeholder" data-testid="market-signed-out">
          <h2>Sign in to post a request</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      )}
    </section>
  );
}
