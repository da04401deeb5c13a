import Link from "next/link";
import { shortAddress } from "@/lib/devices/format";
import { formatAmount } from "@/lib/market/format";
import type { MarketIncome } from "@/lib/market/income";
import { EarningsChart } from "./earnings-chart";

function Figure({ label, amount, testId }: { label: string; amount: string; testId: string }) {
  return (
    <div className="card stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-amount={amount}>
        {formatAmount(amount)}
      </dd>
    </div>
  );
}

/** What the marketplace paid the owner as a seller (dUSD, net of the platform fee), next to their rewards. */
export function MarketIncomeSection({ income }: { income: MarketIncome }) {
  return (
    <section aria-labelledby="market-income-title" data-testid="market-income">
      <h2 id="market-income-title">Market income</h2>
      <p className="muted">
        Paid to you by the marketplace in dUSD, after the platform fee: escrow released as your orders&apos; delivery is attested, and devices you sold.
      </p>
      <dl className="stats" data-testid="market-income-totals">
        <Figure label="Today" amount={income.totals.today} testId="market-today" />
        <Figure label="Last 7 days" amount={income.totals.last7Days} testId="market-7d" />
        <Figure label="Last 30 days" amount={income.totals.last30Days} testId="market-30d" />
        <Figure label="All time" amount={income.totals.allTime} testId="market-all" />
        <Figure label="Still in escrow (open orders)" amount={income.inEscrow} testId="market-escrow" />
        <Figure label="Platform fees withheld" amount={income.fees} testId="market-fees" />
      </dl>
      <p>
        <a href="/api/rewards/earnings/csv" download data-testid="market-income-csv">
          Download CSV (rewards and market payments)
        </a>
      </p>
      {income.perDay.length > 0 ? <EarningsChart perDay={income.perDay} currency="market" /> : null}
      {income.perOrder.length > 0 ? (
        <table className="device-table" data-testid="market-income-orders">
          <caption className="muted">Per order: released to you so far, and what is still escrowed until delivery is attested.</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Listing</th>
              <th scope="col">Buyer</th>
              <th scope="col">Delivered</th>
              <th scope="col">Status</th>
              <th scope="col">Released</th>
              <th scope="col">Fees</th>
              <th scope="col">In escrow</th>
            </tr>
          </thead>
          <tbody>
            {income.perOrder.map((order) => (
              <tr key={order.orderId} data-order-id={order.orderId}>
                <th scope="row">#{order.orderId}</th>
                <td>{order.listingTitle ?? "—"}</td>
                <td title={order.buyer}>{shortAddress(order.buyer)}</td>
                <td>
                  {order.deliveredUnits} / {order.totalUnits}
                </td>
                <td>{order.status.toLowerCase()}</td>
                <td data-amount={order.released}>{formatAmount(order.released)}</td>
                <td>{formatAmount(order.fees)}</td>
                <td>{formatAmount(order.inEscrow)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {income.sales.length > 0 ? (
        <table className="device-table" data-testid="market-income-sales">
          <caption className="muted">Devices you sold (price after the fee).</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Buyer</th>
              <th scope="col">Sold (UTC)</th>
              <th scope="col">Received</th>
            </tr>
          </thead>
          <tbody>
            {income.sales.map((sale) => (
              <tr key={`${sale.device}:${sale.soldAt}`}>
                <th scope="row">
                  <Link href={`/devices/${sale.device}`} title={sale.device}>
                    {shortAddress(sale.device)}
                  </Link>
                </th>
                <td title={sale.buyer}>{shortAddress(sale.buyer)}</td>
                <td>{sale.soldAt.slice(0, 16).replace("T", " ")}</td>
                <td>{formatAmount(sale.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
