import type { Metadata } from "next";
import Link from "next/link";
import "@/components/market/market.css";
import { ListingsMap } from "@/components/market/listings-map";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { formatAmount } from "@/lib/market/format";
import { parseDusd } from "@/lib/market/forms";
import { browseListings } from "@/lib/market/listings";
import { openRequests } from "@/lib/market/requests";
import { browseListingsSchema } from "@/lib/market/schemas";

export const metadata: Metadata = { title: "Market" };

const KIND_LABELS = { FEED: "Data feed", SERVICE: "Service", DEVICE: "Device for sale" } as const;

function priceLabel(kind: keyof typeof KIND_LABELS, price: string, unit: string): string {
  if (kind === "FEED") return `${formatAmount(price)} / month`;
  if (kind === "SERVICE") return `${formatAmount(price)} / ${unit}`;
  return formatAmount(price);
}

export default async function MarketPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = Object.fromEntries(Object.entries(await searchParams).filter((entry): entry is [string, string] => typeof entry[1] === "string" && entry[1] !== ""));
  // The form's prices are in dUSD (min, max); the query's in the token's smallest unit (minPrice, maxPrice, as the API).
  const inSmallestUnits = (text: string | undefined) => (text === undefined ? undefined : (parseDusd(text)?.toString() ?? "invalid"));
  const { min, max, ...rest } = raw;
  const parsed = browseListingsSchema.safeParse({ ...rest, minPrice: inSmallestUnits(min) ?? rest.minPrice, maxPrice: inSmallestUnits(max) ?? rest.maxPrice });
  const query = parsed.success ? parsed.data : browseListingsSchema.parse({});
  const [page, requests] = await Promise.all([browseListings(db(), query), openRequests(db(), { limit: 10 })]);
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const pageHref = (n: number) => `/market?${new URLSearchParams({ ...raw, page: String(n) }).toString()}`;
  // List or map of the same filtered page; the choice is in the URL like the filters.
  const showMap = raw.view === "map";
  const viewHref = (view: "list" | "map") => {
    const { view: _view, ...rest } = raw;
    return `/market?${new URLSearchParams(view === "map" ? { ...rest, view } : rest).toString()}`;
  };

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Market</h1>
      <p>
        Data feeds and services from devices, devices for sale, and consumers&apos; requests, settled through on-chain escrow in dUSD.{" "}
        <Link href="/market/new">New listing</Link> · <Link href="/market/requests/new">New request</Link> · <Link href="/market/dashboard">Your dashboard</Link> · <Link href="/market/docs">Feed API</Link>
      </p>
      <form className="card" method="get" action="/market" aria-label="Filter listings">
        <label>
          Search <input type="search" name="q" defaultValue={raw.q ?? ""} placeholder="PM2.5 Berlin" />
        </label>{" "}
        <label>
          Type{" "}
          <select name="kind" defaultValue={raw.kind ?? ""}>
            <option value="">Any</option>
            <option value="FEED">Data feeds</option>
            <option value="SERVICE">Services</option>
            <option value="DEVICE">Devices for sale</option>
          </select>
        </label>{" "}
        <label>
          Metric <input name="metric" defaultValue={raw.metric ?? ""} placeholder="pm25" size={8} />
        </label>{" "}
        <label>
          Project <input name="project" defaultValue={raw.project ?? ""} size={12} />
        </label>{" "}
        <label>
          Price from <input name="min" defaultValue={raw.min ?? ""} inputMode="decimal" size={6} placeholder="0" />
        </label>{" "}
        <label>
          to <input name="max" defaultValue={raw.max ?? ""} inputMode="decimal" size={6} placeholder="any" /> dUSD
        </label>{" "}
        <label>
          H3 cell <input name="cell" defaultValue={raw.cell ?? ""} size={15} spellCheck={false} />
        </label>{" "}
        <label>
          Sort{" "}
          <select name="sort" defaultValue={raw.sort ?? "newest"}>
            <option value="newest">Newest (or best match)</option>
            <option value="price_asc">Price, low to high</option>
            <option value="price_desc">Price, high to low</option>
          </select>
        </label>{" "}
        {showMap && <input type="hidden" name="view" value="map" />}
        <button type="submit">Filter</button>
      </form>
      {!parsed.success && <p role="alert">Some filters were invalid and were ignored.</p>}

      <nav aria-label="View" className="market-views">
        <Link href={viewHref("list")} aria-current={showMap ? undefined : "page"}>
          List
        </Link>{" "}
        ·{" "}
        <Link href={viewHref("map")} aria-current={showMap ? "page" : undefined} data-testid="market-map-link">
          Map
        </Link>
      </nav>
      {showMap && <ListingsMap listings={page.items.map((listing) => ({ id: listing.id, title: listing.title, cells: listing.cellsR7 }))} />}

      <table className="device-table" data-testid="market-listings">
        <caption className="muted">
          {page.total} listing{page.total === 1 ? "" : "s"} · page {page.page} of {pages}
        </caption>
        <thead>
          <tr>
            <th scope="col">Listing</th>
            <th scope="col">Type</th>
            <th scope="col">Metrics</th>
            <th scope="col">Project</th>
            <th scope="col">Devices</th>
            <th scope="col">Price</th>
            <th scope="col">Seller</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((listing) => (
            <tr key={listing.id}>
              <th scope="row">
                <Link href={`/market/listings/${listing.id}`}>{listing.title}</Link>
              </th>
              <td>{KIND_LABELS[listing.kind]}</td>
              <td>{listing.metrics.join(", ") || "—"}</td>
              <td>{listing.project.name}</td>
              <td>{listing.devices.length}</td>
              <td>{priceLabel(listing.kind, listing.price, listing.unit)}</td>
              <td>
                <code className="address">{shortAddress(listing.seller)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav aria-label="Pages">
        {page.page > 1 && <Link href={pageHref(page.page - 1)}>← Previous</Link>} {page.page < pages && <Link href={pageHref(page.page + 1)}>Next →</Link>}
      </nav>

      <h2>Open requests</h2>
      {requests.length === 0 ? (
        <p className="muted">
          No open requests. <Link href="/market/requests/new">Ask for data</Link>.
        </p>
      ) : (
        <ul data-testid="market-requests">
          {requests.map((request) => (
            <li key={request.id}>
              <Link href={`/market/requests/${request.id}`}>
                <strong>{request.title}</strong>
              </Link>
              : {request.metric} from {request.deviceCount} device{request.deviceCount === 1 ? "" : "s"} for {request.durationDays}{" "}
              days over {request.cellsR7.length} cell{request.cellsR7.length === 1 ? "" : "s"}, budget {formatAmount(request.budget)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
