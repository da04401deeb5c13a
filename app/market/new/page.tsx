import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { NewListingForm } from "@/components/market/new-listing-form";
import { METRICS } from "@/lib/aggregates/reading";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { RequestNotFoundError } from "@/lib/market/errors";
import { requestById, type RequestView } from "@/lib/market/requests";
import { marketIdSchema } from "@/lib/market/schemas";
import { sellableDevices } from "@/lib/market/seller-devices";

export const metadata: Metadata = { title: "New listing" };

/** The request an owner responds to (`?request=<id>`): its metric and area prefill a feed. */
async function requestToAnswer(raw: string | string[] | undefined): Promise<RequestView | null> {
  const parsed = marketIdSchema.safeParse(raw);
  if (!parsed.success) return null;
  try {
    return await requestById(db(), parsed.data);
  } catch (error) {
    if (error instanceof RequestNotFoundError) return null;
    throw error;
  }
}

export default async function NewListingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await getSession();
  const answering = await requestToAnswer((await searchParams).request);
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/market">← Market</Link>
      </p>
      <h1 id="page-title">New listing</h1>
      {answering && (
        <p className="card" data-testid="answering-request">
          Responding to the request <Link href={`/market/requests/${answering.id}`}>{answering.title}</Link>: a feed of {answering.metric} over its {answering.cellsR7.length} cell
          {answering.cellsR7.length === 1 ? "" : "s"} appears among its offers.
        </p>
      )}
      {session ? (
        <NewListingForm
          devices={await sellableDevices(db(), session.address)}
          metricNames={METRICS.map((metric) => metric.name)}
          prefill={answering ? { title: answering.title, metrics: [answering.metric], cells: answering.cellsR7 } : undefined}
        />
      ) : (
        <div className="card placeholder" data-testid="market-signed-out">
          <h2>Sign in to list your devices</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      )}
    </section>
  );
}
