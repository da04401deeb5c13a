import { formatAmount } from "@/lib/market/format";
import { formatReward } from "@/lib/rewards/format";

const WIDTH = 640;
const HEIGHT = 180;
const MAX_DAYS = 30;

const CURRENCIES = {
  reward: { title: "Earnings per day", format: formatReward, id: "earnings-chart", testId: "earnings-chart" },
  market: { title: "Market income per day", format: (amount: string | bigint) => formatAmount(amount), id: "market-income-chart", testId: "market-income-chart" },
} as const;

/**
 * Earnings per UTC day as an SVG bar chart; the same figures are in a table for screen readers and copying.
 * `currency` picks rewards (DHR) or market income (dUSD): different tokens, never one chart.
 */
export function EarningsChart({ perDay, currency = "reward" }: { perDay: { day: string; amount: string }[]; currency?: keyof typeof CURRENCIES }) {
  const { title, format: formatReward, id, testId } = CURRENCIES[currency];
  const days = perDay.slice(-MAX_DAYS);
  const max = days.reduce((m, d) => (BigInt(d.amount) > m ? BigInt(d.amount) : m), 0n);
  const slot = WIDTH / Math.max(days.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  return (
    <figure className="card earnings-chart" data-testid={testId}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} width="100%">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>
          {`Bar chart of the last ${days.length} days, from ${days[0]?.day ?? "—"} to ${days.at(-1)?.day ?? "—"}; highest day ${formatReward(max)}.`}
        </desc>
        {days.map((d, i) => {
          // Scale in bigint (amounts exceed 2⁵³), then to a pixel height.
          const height = max === 0n ? 0 : Number((BigInt(d.amount) * BigInt(HEIGHT)) / max);
          return (
            <rect key={d.day} x={i * slot + (slot - barWidth) / 2} y={HEIGHT - height} width={barWidth} height={Math.max(height, BigInt(d.amount) > 0n ? 1 : 0)} fill="currentColor">
              <title>{`${d.day}: ${formatReward(d.amount)}`}</title>
            </rect>
          );
        })}
        <line x1={0} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke="currentColor" strokeWidth={1} />
        <text x={0} y={HEIGHT + 16} fontSize={12} fill="currentColor">
          {days[0]?.day}
        </text>
        <text x={WIDTH} y={HEIGHT + 16} fontSize={12} fill="currentColor" textAnchor="end">
          {days.at(-1)?.day}
        </text>
      </svg>
      <figcaption>
        <details>
          <summary>Figures per day</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                <th scope="col">Earned</th>
              </tr>
            </thead>
            <tbody>
              {days.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td>{formatReward(d.amount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
