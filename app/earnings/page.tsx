import type { Metadata } from "next";
import Link from "next/link";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { shortAddress } from "@/lib/devices/format";
import { ownerClaimArguments, ownerEarnings, type ClaimArgument, type EarningsSummary } from "@/lib/rewards/earnings";
import { formatReward } from "@/lib/rewards/format";
import { rewardsChain } from "@/lib/rewards/runtime";
import { ClaimAll } from "@/components/rewards/claim-all";
import { EarningsChart } from "@/components/rewards/earnings-chart";
import { MarketIncomeSection } from "@/components/rewards/market-income";

export const metadata: Metadata = { title: "Earnings" };
export const dynamic = "force-dynamic";

function Figure({ label, amount, testId }: { label: string; amount: string; testId: string }) {
  return (
    <div className="card stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-amount={amount}>
        {formatReward(amount)}
      </dd>
    </div>
  );
}

function DeviceTable({ summary }: { summary: EarningsSummary }) {
  return (
    <table className="device-table" data-testid="earnings-devices">
      <caption className="muted">Per device, all epochs so far. Claimable = confirmed on-chain minus already claimed.</caption>
      <thead>
        <tr>
          <th scope="col">Device</th>
          <th scope="col">Epochs</th>
          <th scope="col">Earned</th>
          <th scope="col">Pending</th>
          <th scope="col">Claimable</th>
          <th scope="col">Claimed</th>
        </tr>
      </thead>
      <tbody>
        {summary.perDevice.map((d) => (
          <tr key={d.device}>
            <th scope="row">
              <Link href={`/devices/${d.device}`} title={d.device}>
                {shortAddress(d.device)}
              </Link>
            </th>
            <td>{d.epochs}</td>
            <td>{formatReward(d.earned)}</td>
            <td>{formatReward(d.pending)}</td>
            <td>{formatReward(d.claimable)}</td>
            <td>{formatReward(d.claimed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Empty({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <div className="card placeholder" data-testid={testId}>
      <h2>{title}</h2>
      {children}
    </div>
  );
}

async function load(owner: `0x${string}`): Promise<{ summary: EarningsSummary; claims: ClaimArgument[]; distributor: `0x${string}` | null } | { error: string }> {
  try {
    const chain = rewardsChain();
    const [summary, claims] = await Promise.all([ownerEarnings(db(), owner, { claimed: chain?.reader ?? null }), ownerClaimArguments(db(), owner, chain?.reader ?? null)]);
    return { summary, claims, distributor: chain?.distributor ?? null };
  } catch (error) {
    console.error("[earnings]", error);
    return { error: "Your earnings cannot be loaded right now (the database or the chain did not answer). Try again in a moment." };
  }
}

export default async function EarningsPage() {
  const session = await getSession();
  if (!session) {
    return (
      <section aria-labelledby="page-title">
        <h1 id="page-title">Earnings</h1>
        <Empty title="Sign in to see your earnings" testId="earnings-signed-out">
          <p>Connect your wallet with the button at the top of the page and sign the message it shows you.</p>
        </Empty>
      </section>
    );
  }
  const loaded = await load(session.address);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Earnings</h1>
      {"error" in loaded ? (
        <div role="alert" className="card tx-error" data-testid="earnings-error">
          <p>{loaded.error}</p>
        </div>
      ) : loaded.summary.deviceCount === 0 ? (
        <Empty title="No devices yet" testId="earnings-no-devices">
          <p>
            Devices earn rewards every epoch they are online. <Link href="/devices/claim">Claim your first device</Link>.
          </p>
        </Empty>
      ) : loaded.summary.epochCount === 0 ? (
        <Empty title="No epochs yet" testId="earnings-no-epochs">
          <p>
            Your devices have not been through a reward epoch yet. When one closes, its amounts appear here, and they become claimable once their proof
            is verified on-chain (see <Link href="/proofs">Proofs</Link>).
          </p>
        </Empty>
      ) : (
        <>
          <dl className="stats" data-testid="earnings-totals">
            <Figure label="Today" amount={loaded.summary.totals.today} testId="earned-today" />
            <Figure label="Last 7 days" amount={loaded.summary.totals.last7Days} testId="earned-7d" />
            <Figure label="Last 30 days" amount={loaded.summary.totals.last30Days} testId="earned-30d" />
            <Figure label="All time" amount={loaded.summary.totals.allTime} testId="earned-all" />
            <Figure label="Pending (not yet on-chain)" amount={loaded.summary.pending} testId="earnings-pending" />
            <Figure label="Claimable" amount={loaded.summary.claimable} testId="earnings-claimable" />
            <Figure label="Claimed" amount={loaded.summary.claimed} testId="earnings-claimed" />
            <Figure label="Projected per month at the current rate" amount={loaded.summary.monthlyProjection} testId="earnings-projection" />
          </dl>
          <ClaimAll distributor={loaded.distributor} claims={loaded.claims} claimable={loaded.summary.claimable} />
          <p>
            <a href="/api/rewards/earnings/csv" download data-testid="earnings-csv">
              Download CSV (every epoch, every device, every market payment)
            </a>
          </p>
          <h2>Per day</h2>
          <EarningsChart perDay={loaded.summary.perDay} />
          <h2>Per device</h2>
          <DeviceTable summary={loaded.summary} />
        </>
      )}
      {"error" in loaded || (loaded.summary.market.perOrder.length === 0 && loaded.summary.market.sales.length === 0) ? null : <MarketIncomeSection income={loaded.summary.market} />}
    </section>
  );
}
