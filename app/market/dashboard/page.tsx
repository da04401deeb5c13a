import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { CreateKeyButton } from "@/components/market/create-key-button";
import { FaucetButton } from "@/components/market/faucet-button";
import { getSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { getPublicConfig } from "@/lib/config/public";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { buyerDashboard, sellerDashboard, type OrderView } from "@/lib/market/dashboard";
import { faucetAvailable } from "@/lib/market/faucet";
import { formatAmount } from "@/lib/market/format";

export const metadata: Metadata = { title: "Market dashboard" };

function OrdersTable({ orders, testId, counterpart }: { orders: OrderView[]; testId: string; counterpart: "buyer" | "seller" }) {
  if (orders.length === 0) return <p className="muted">None yet.</p>;
  return (
    <table className="device-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Order</th>
          <th scope="col">Listing</th>
          <th scope="col">{counterpart === "buyer" ? "Buyer" : "Seller"}</th>
          <th scope="col">Delivered</th>
          <th scope="col">Paid to seller</th>
          <th scope="col">Refunded</th>
          <th scope="col">Status</th>
          <th scope="col">Expires</th>
          {counterpart === "seller" && <th scope="col">API</th>}
        </tr>
      </thead>
      <tbody>
        {orders.map((order) => (
          <tr key={order.orderId}>
            <th scope="row">#{order.orderId}</th>
            <td>{order.listingId ? <Link href={`/market/listings/${order.listingId}`}>{order.listingTitle ?? "listing"}</Link> : "—"}</td>
            <td>
              <code className="address">{shortAddress(counterpart === "buyer" ? order.buyer : order.seller)}</code>
            </td>
            <td>
              {order.deliveredUnits} / {order.totalUnits}
            </td>
            <td>{formatAmount(order.releasedToSeller)}</td>
            <td>{formatAmount(order.refunded)}</td>
            <td>{order.live ? order.status.toLowerCase() : order.status === "REFUNDED" ? "refunded" : "expired"}</td>
            <td>{order.expiresAt.slice(0, 16).replace("T", " ")} UTC</td>
            {counterpart === "seller" && <td>{order.live ? <CreateKeyButton orderId={order.orderId} /> : "—"}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default async function MarketDashboardPage() {
  const session = await getSession();
  if (!session) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Market dashboard</h1>
        <div className="card placeholder" data-testid="market-signed-out">
          <h2>Sign in to see your listings and purchases</h2>
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </div>
      </section>
    );
  }
  const chainId = serverEnv().CHAIN_ID;
  const config = getPublicConfig();
  const faucet = faucetAvailable(config.chainId, config.contracts?.Stablecoin);
  const [seller, buyer] = await Promise.all([sellerDashboard(db(), session.address, chainId), buyerDashboard(db(), session.address, chainId)]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Market dashboard</h1>
      <p>
        <Link href="/market">Browse the market</Link> · <Link href="/market/new">New listing</Link> · <Link href="/market/requests/new">New request</Link> · <Link href="/market/docs">Feed API</Link>
      </p>
      {faucet && <FaucetButton />}

      <h2>Selling</h2>
      <p data-testid="seller-income">
        Income so far: <strong>{formatAmount(seller.income)}</strong> · still in escrow: {formatAmount(seller.pending)}
      </p>
      {seller.matches.length > 0 && (
        <div className="card" data-testid="seller-matches">
          <p>
            <strong>
              {seller.matches.length} open request{seller.matches.length === 1 ? "" : "s"} want{seller.matches.length === 1 ? "s" : ""} data your devices report where they are:
            </strong>
          </p>
          <ul>
            {seller.matches.map((match) => (
              <li key={match.request.id}>
                <Link href={`/market/requests/${match.request.id}`}>{match.request.title}</Link>: {match.request.metric} from {match.request.deviceCount} device
                {match.request.deviceCount === 1 ? "" : "s"}, budget {formatAmount(match.request.budget)} · {match.devices.length} of your devices fit ·{" "}
                <Link href={`/market/new?request=${match.request.id}`}>Respond with a listing</Link>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Listings</h3>
      {seller.listings.length === 0 ? (
        <p className="muted">
          No active listings. <Link href="/market/new">List a feed, a service or a device</Link>.
        </p>
      ) : (
        <ul data-testid="seller-listings">
          {seller.listings.map((listing) => (
            <li key={listing.id}>
              <Link href={`/market/listings/${listing.id}`}>{listing.title}</Link> · {listing.kind.toLowerCase()} · {formatAmount(listing.price)}
            </li>
          ))}
        </ul>
      )}
      <h3>Orders</h3>
      <OrdersTable orders={seller.orders} testId="seller-orders" counterpart="buyer" />

      <h2>Buying</h2>
      <p data-testid="buyer-summary">
        Refunded to you: {formatAmount(buyer.refunded)} · API requests with your keys: {buyer.requests}
      </p>
      <h3>Purchases</h3>
      <OrdersTable orders={buyer.orders} testId="buyer-orders" counterpart="seller" />
      <h3>API keys</h3>
      {buyer.keys.length === 0 ? (
        <p className="muted">No keys yet: create one for a purchase above.</p>
      ) : (
        <ul data-testid="buyer-keys">
          {buyer.keys.map((key) => (
            <li key={key.id}>
              <code>{key.prefix}…</code> for order #{key.orderId} · {key.requestCount} request{key.requestCount === 1 ? "" : "s"} · expires {key.expiresAt.slice(0, 10)}
              {key.revokedAt && <span className="pill pill-bad"> revoked</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
