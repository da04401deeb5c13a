import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";

/**
 * A seller's market income, next to their rewards on /earnings: what the Marketplace actually paid them, net of the
 * platform fee. Escrow releases come from the indexed DeliveryAttested events (sellerAmount, at their block time);
 * device sales from DeviceSold (price − fee). Amounts are the payment token's base units (dUSD: 6 decimals) as
 * decimal strings: a different token from rewards (DHR), so the two are never added together.
 */

const DAY_MS = 86_400_000;

export interface MarketIncomeEntry {
  kind: "release" | "sale";
  at: string;
  /** Net of the platform fee. */
  amount: string;
  fee: string;
  orderId: string | null;
  device: Address | null;
  txHash: string;
}

export interface MarketOrderIncome {
  orderId: string;
  listingTitle: string | null;
  buyer: Address;
  status: string;
  deliveredUnits: string;
  totalUnits: string;
  released: string;
  fees: string;
  /** Still in escrow for the seller (open orders only). */
  inEscrow: string;
}

export interface MarketDeviceSaleIncome {
  device: Address;
  buyer: Address;
  amount: string;
  fee: string;
  soldAt: string;
}

export interface MarketIncome {
  totals: { today: string; last7Days: string; last30Days: string; allTime: string };
  /** Platform fees withheld from the seller's payments so far. */
  fees: string;
  /** Escrowed for the seller's open orders, released as delivery is attested. */
  inEscrow: string;
  /** One entry per UTC day from the first income day to today, zero days included, oldest first. */
  perDay: { day: string; amount: string }[];
  perOrder: MarketOrderIncome[];
  sales: MarketDeviceSaleIncome[];
  /** Every payment, oldest first (the CSV). */
  entries: MarketIncomeEntry[];
}

const utcDay = (date: Date) => date.toISOString().slice(0, 10);
const sum = (values: bigint[]) => values.reduce((total, value) => total + value, 0n);

export async function sellerMarketIncome(db: PrismaClient, seller: Address, now = new Date()): Promise<MarketIncome> {
  const address = getAddress(seller);
  const [orders, sales] = await Promise.all([
    db.marketOrder.findMany({ where: { sellerAddress: address }, orderBy: [{ createdAt: "desc" }, { orderId: "desc" }] }),
    db.marketDeviceSale.findMany({ where: { sellerAddress: address }, orderBy: { soldAt: "asc" } }),
  ]);
  const releases =
    orders.length === 0
      ? []
      : await db.$queryRaw<Array<{ chainId: number; orderId: string; at: Date; amount: string; fee: string; txHash: string }>>`
          SELECT e."chainId", e."args"->>'orderId' AS "orderId", e."blockTime" AS at,
                 e."args"->>'sellerAmount' AS amount, e."args"->>'fee' AS fee, e."txHash"
            FROM "ChainEvent" e
            JOIN "MarketOrder" o ON o."chainId" = e."chainId" AND o."orderId"::text = e."args"->>'orderId'
           WHERE e."contract" = 'Marketplace' AND e."name" = 'DeliveryAttested' AND o."sellerAddress" = ${address}
           ORDER BY e."blockNumber", e."logIndex"`;

  const entries: MarketIncomeEntry[] = [
    ...releases.map((row): MarketIncomeEntry => ({ kind: "release", at: row.at.toISOString(), amount: row.amount, fee: row.fee, orderId: row.orderId, device: null, txHash: row.txHash })),
    ...sales.map((sale): MarketIncomeEntry => ({ kind: "sale", at: sale.soldAt.toISOString(), amount: (sale.price - sale.fee).toString(), fee: sale.fee.toString(), orderId: null, device: getAddress(sale.device), txHash: sale.txHash })),
  ].sort((a, b) => a.at.localeCompare(b.at));

  const at = (entry: MarketIncomeEntry) => Date.parse(entry.at);
  const since = (ms: number) => sum(entries.filter((entry) => at(entry) >= ms).map((entry) => BigInt(entry.amount))).toString();
  const todayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

  const byDay = new Map<string, bigint>();
  for (const entry of entries) byDay.set(entry.at.slice(0, 10), (byDay.get(entry.at.slice(0, 10)) ?? 0n) + BigInt(entry.amount));
  const perDay: MarketIncome["perDay"] = [];
  const first = entries[0];
  if (first) {
    const firstDay = new Date(at(first));
    for (let day = Date.UTC(firstDay.getUTCFullYear(), firstDay.getUTCMonth(), firstDay.getUTCDate()); day <= todayStart; day += DAY_MS) {
      perDay.push({ day: utcDay(new Date(day)), amount: (byDay.get(utcDay(new Date(day))) ?? 0n).toString() });
    }
  }

  const listingIds = [...new Set(orders.map((order) => order.listingId).filter((id): id is string => id !== null))];
  const titles = new Map((await db.marketListing.findMany({ where: { id: { in: listingIds } }, select: { id: true, title: true } })).map((l) => [l.id, l.title]));
  const escrowOf = (order: (typeof orders)[number]) => (order.status === "OPEN" ? order.pricePerUnit * (order.totalUnits - order.deliveredUnits) : 0n);

  return {
    totals: { today: since(todayStart), last7Days: since(now.getTime() - 7 * DAY_MS), last30Days: since(now.getTime() - 30 * DAY_MS), allTime: since(Number.NEGATIVE_INFINITY) },
    fees: sum(entries.map((entry) => BigInt(entry.fee))).toString(),
    inEscrow: sum(orders.map(escrowOf)).toString(),
    perDay,
    perOrder: orders.map((order) => ({
      orderId: order.orderId.toString(),
      listingTitle: order.listingId ? (titles.get(order.listingId) ?? null) : null,
      buyer: getAddress(order.buyerAddress),
      status: order.status,
      deliveredUnits: order.deliveredUnits.toString(),
      totalUnits: order.totalUnits.toString(),
      released: order.releasedToSeller.toString(),
      fees: order.feesPaid.toString(),
      inEscrow: escrowOf(order).toString(),
    })),
    sales: sales.map((sale) => ({ device: getAddress(sale.device), buyer: getAddress(sale.buyerAddress), amount: (sale.price - sale.fee).toString(), fee: sale.fee.toString(), soldAt: sale.soldAt.toISOString() })),
    entries,
  };
}
