import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { notFound } from "next/navigation";
import { BuyPanel } from "@/components/market/buy-panel";
import { StatusActions, type StatusAction } from "@/components/market/status-actions";
import { getSession } from "@/lib/auth/session";
import { getPublicConfig } from "@/lib/config/public";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { ListingNotFoundError } from "@/lib/market/errors";
import { faucetAvailable } from "@/lib/market/faucet";
import { formatAmount } from "@/lib/market/format";
import { listingDetail, type ListingDetail } from "@/lib/market/listings";
import { marketIdSchema } from "@/lib/market/schemas";
import { EarningHistoryTable } from "@/components/market/earning-history";
import { deviceEarnings } from "@/lib/market/seller-devices";
import { formatReward } from "@/lib/rewards/format";

export const metadata: Metadata = { title: "Listing" };

async function load(id: string): Promise<ListingDetail> {
  const parsed = marketIdSchema.safeParse(id);
  if (!parsed.success) notFound();
  try {
    return await listingDetail(db(), parsed.data);
  } catch (error) {
    if (error instanceof ListingNotFoundError) notFound();
    throw error;
  }
}

const CLOSE: StatusAction = { status: "CLOSED", label: "Close listing", confirm: "Close it: no new orders?" };

/** What the seller can do from each status; open orders keep their escrow whatever happens to the listing. */
function sellerActions(status: ListingDetail["status"]): StatusAction[] {
  if (status === "ACTIVE") return [{ status: "PAUSED", label: "Pause listing" }, CLOSE];
  if (status === "PAUSED") return [{ status: "ACTIVE", label: "Reopen listing" }, CLOSE];
  return [{ status: "ACTIVE", label: "Reopen listing" }];
}

export default async function ListingPage({ params }: { params: Promise<{ id: string }> }) {
  const listing = await load((await params).id);
  const session = await getSession();
  const isSeller = session?.address.toLowerCase() === listing.seller.toLowerCase();
  const config = getPublicConfig();
  const faucet = faucetAvailable(config.chainId, config.contracts?.Stablecoin);
  const earned = listing.kind === "DEVICE" && listing.devices[0] ? await deviceEarnings(db(), listing.devices[0]) : null;
  const price = listing.kind === "FEED" ? `${formatAmount(listing.price)} per month` : listing.kind === "SERVICE" ? `${formatAmount(listing.price)} per ${listing.unit}` : formatAmount(listing.price);
  return (
    <section aria-labelledby="page-title">
      <p>
        <Link href="/market">← Market</Link>
      </p>
      <h1 id="page-title">{listing.title}</h1>
      <p data-testid="listing-price">
        <strong>{price}</strong> · {listing.project.name} · seller <code className="address">{shortAddress(listing.seller)}</code>
        {listing.status !== "ACTIVE" && <span className="pill pill-bad"> {listing.status.toLowerCase()}</span>}
      </p>
      {isSeller && <StatusActions endpoint={`/api/market/listings/${listing.id}`} actions={sellerActions(listing.status)} testId="listing-seller-actions" />}
      {listing.description && <p>{listing.description}</p>}
      {listing.metrics.length > 0 && <p>Metrics: {listing.metrics.join(", ")}</p>}
      <p className="muted">Area: {listing.cellsR7.length} H3 cell{listing.cellsR7.length === 1 ? "" : "s"} (resolution 7)</p>

      {listing.status === "ACTIVE" && listing.devices[0] && (
        <BuyPanel kind={listing.kind} seller={listing.seller} price={listing.price} unit={listing.unit} onchainId={listing.onchainId as `0x${string}`} device={listing.devices[0]} faucet={faucet} />
      )}

      <h2>Devices</h2>
      <table className="device-table" data-testid="listing-devices">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Model</th>
            <th scope="col">Status</th>
            <th scope="col">Quality (latest hour)</th>
          </tr>
        </thead>
        <tbody>
          {listing.deviceStatus.map((device) => (
            <tr key={device.address}>
              <th scope="row">
                <Link href={`/devices/${device.address}`}>{shortAddress(device.address)}</Link>
                {!device.stillOwnedBySeller && <span className="pill pill-bad"> no longer the seller&apos;s</span>}
              </th>
              <td>{device.model}</td>
              <td>
                {device.status}
                {device.lastSeenAt && <span className="muted"> · {new Date(device.lastSeenAt).toISOString().slice(0, 16).replace("T", " ")} UTC</span>}
              </td>
              <td>{device.quality ? `${device.quality.score}/100` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {listing.kind === "DEVICE" && (
        <>
          <h2>Earning history</h2>
          {earned && earned.earnings.length > 0 ? (
            <EarningHistoryTable earnings={earned.earnings} caption={`Rewards earned so far: ${formatReward(earned.earnedTotal)}`} testId="listing-earnings" />
          ) : (
            <p className="muted">No reward epochs yet.</p>
          )}
          <h2>Sale history</h2>
          {listing.saleHistory.length === 0 ? (
            <p className="muted">Never sold through the market.</p>
          ) : (
            <ul>
              {listing.saleHistory.map((sale) => (
                <li key={`${sale.soldAt}-${sale.buyer}`}>
                  {sale.soldAt.slice(0, 10)}: {shortAddress(sale.seller)} → {shortAddress(sale.buyer)} for {formatAmount(sale.price)}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
