import type { Metadata } from "next";
import { Placeholder } from "@/components/placeholder";

export const metadata: Metadata = { title: "Earnings" };

export default function EarningsPage() {
  return (
    <Placeholder title="Earnings">
      <p>
        Rewards your devices earned per epoch, with the proof each payout was verified against, and a button to withdraw.
        It is not built yet.
      </p>
    </Placeholder>
  );
}
