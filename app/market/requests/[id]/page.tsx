import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import "@/components/market/market.css";
import { StatusActions } from "@/components/market/status-actions";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { RequestNotFoundError } from "@/lib/market/errors";
import { formatAmount } from "@/lib/market/format";
import { offersForRequest, requestsForOwner } from "@/lib/market/matching";
import { marketIdSchema } from "@/lib/market/schemas";

export const metadata: Metadata = { title: "Request" };

async function load(id: string) {
  const parsed = marketIdSchema.safeParse(id);
  if (!parsed.success) notFound();
  try {
    return await offersForRequest(db(), parsed.data);
  } catch (error) {
    if (error instanceof RequestNotFoundError) notFound();
    throw error;
  }
}

/** One request: what is wanted, the listings that could serve it, and (for an owner whose devices fit) how to respond. */
export default async function RequestPage({ params }: { params: Promise<{ id: string }> }) {
  const { request, offers } = await load((await params).id);
  const session = await getSession();
  const fitting = session ? (await requestsForOwner(db(), session.address)).find((match) => match.request.id === request.id) : undefined;
  const open = request.status === "OPEN" && new Date(request.expiresAt) > new Date();
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/market">← Market</Link>
      </p>
      <h1 id="page-title">{request.title}</h1>
      <p data-testid="request-summary">
        Wants <strong>{request.metric}</strong> from {request.deviceCount} device{request.deviceCount === 1 ? "" : "s"} for {request.durationDays} day
        {request.durationDays === 1 ? "" : "s"} over {request.cellsR7.length} H3 cell{request.cellsR7.length === 1 ? "" : "s"}, budget {formatAmount(request.budget)} · by{" "}
        <code className="address">{shortAddress(request.buyer)}</code> · {open ? `open until ${request.expiresAt.slice(0, 10)}` : "closed"}
      </p>

      {open && session?.address.toLowerCase() === request.buyer.toLowerCase() && (
        <StatusActions
          endpoint={`/api/market/requests/${request.id}`}
          actions={[{ status: "CLOSED", label: "Close request", confirm: "Close it: sellers stop seeing it?" }]}
          testId="request-buyer-actions"
        />
      )}

      {fitting && open && (
        <div className="card" data-testid="request-respond">
          <p>
            Your device{fitting.devices.length === 1 ? "" : "s"} {fitting.devices.map((device) => shortAddress(device)).join(", ")} measured {request.metric} in this area lately.
          </p>
          <Link href={`/market/new?request=${request.id}`} className="button" data-testid="respond-with-listing">
            Respond with a listing
          </Link>
        </div>
      )}

      <h2>Offers</h2>
      {offers.length === 0 ? (
        <p className="muted" data-testid="request-no-offers">
          No listing offers {request.metric} in this area yet.
        </p>
      ) : (
        <table className="device-table" data-testid="request-offers">
          <thead>
            <tr>
              <th scope="col">Listing</th>
              <th scope="col">Seller</th>
              <th scope="col">Devices</th>
              <th scope="col">Cells covered</th>
              <th scope="col">Cost for {request.durationDays} days</th>
            </tr>
          </thead>
          <tbody>
            {offers.map((offer) => (
              <tr key={offer.listingId}>
                <th scope="row">
                  <Link href={`/market/listings/${offer.listingId}`}>{offer.title}</Link>
                </th>
                <td>
                  <code className="address">{shortAddress(offer.seller)}</code>
                </td>
                <td>{offer.deviceCount}</td>
                <td>
                  {offer.overlappingCells} of {request.cellsR7.length}
                </td>
                <td>
                  {offer.estimatedCost ? formatAmount(offer.estimatedCost) : `${formatAmount(offer.price)} / ${offer.unit}`}
                  {offer.withinBudget === false && <span className="pill pill-bad"> over budget</span>}
                  {offer.withinBudget === true && <span className="pill pill-ok"> within budget</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
