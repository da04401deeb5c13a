import type { EpochEarning } from "@/lib/market/seller-devices";
import { formatReward } from "@/lib/rewards/format";

/** A device's reward epochs, as the seller sees them while listing it and the buyer on the listing. */
export function EarningHistoryTable({ earnings, caption, testId }: { earnings: readonly EpochEarning[]; caption: string; testId: string }) {
  return (
    <table className="device-table" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Epoch start (UTC)</th>
          <th scope="col">Reward</th>
        </tr>
      </thead>
      <tbody>
        {earnings.map((earning) => (
          <tr key={earning.windowStart}>
            <td>{earning.windowStart.slice(0, 16).replace("T", " ")}</td>
            <td>{formatReward(earning.amount)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
