import type { Metadata } from "next";
import { Placeholder } from "@/components/placeholder";

export const metadata: Metadata = { title: "Market" };

export default function MarketPage() {
  return (
    <Placeholder title="Market">
      <p>
        Data feeds and services from devices, devices for sale, and requests posted by consumers, paid through on-chain
        escrow. It is not built yet.
      </p>
    </Placeholder>
  );
}
