import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "../db/generated/client";
import { recentActivity, RECENT_ACTIVITY_MS } from "./area";
import { feedCost } from "./feed-pricing";
import { requestById, toRequestView, type RequestView } from "./requests";


export interface Offer {
  listingId: string;
  title: string;
  seller: Address;
  kind: "FEED" | "SERVICE";
  price: string;
  unit: string;
  deviceCount: number;
  /** Resolution-7 cells of the request the listing covers. */
  overlappingCells: number;
  /** Feeds: the cost of the request's duration; null for services (priced per unit). */
  estimatedCost: string | null;
  withinBudget: boolean | null;
}

/**
 * Active feeds and services that offer the request's metric somewhere in its
 * area: most overlap first, then more devices, then cheaper.
 */
export async function offersForRequest(db: PrismaClient, requestId: string, limit = 20): Promise<{ request: RequestView; offers: Offer[] }> {
  const request = await requestById(db, requestId);
  const rows = await db.$queryRaw<Array<{ id: string; title: string; sellerAddress: string; kind: "FEED" | "SERVICE"; price: bigint; unit: string; devices: number; overlap: number }>>`
    SELECT l."id", l."title", l."sellerAddress", l."kind"::text AS kind, l."price", l."unit",
           cardinality(l."deviceAddresses") AS devices,
           (SELECT count(*)::int FROM unnest(l."cellsR7") c WHERE c = ANY(${request.cellsR7}::text[])) AS overlap
    FROM "MarketListing" l
    WHERE l."status" = 'ACTIVE' AND l."kind" IN ('FEED', 'SERVICE')
      AND ${request.metric} = ANY(l."metrics") AND l."cellsR7" && ${request.cellsR7}::text[]
      AND l."sellerAddress" <> ${request.buyer}
    ORDER BY overlap DESC, devices DESC, l."price" ASC, l."id"
    LIMIT ${limit}`;
  const budget = BigInt(request.budget);
  return {
    request,
    offers: rows.map((row) => {
      const cost = row.kind === "FEED" ? feedCost(row.price, request.durationDays) : null;
      return {
        listingId: row.id,
        title: row.title,
        seller: getAddress(row.sellerAddress),
        kind: row.kind,
        price: row.price.toString(),
        unit: row.unit,
        deviceCount: row.devices,
        overlappingCells: row.overlap,
        estimatedCost: cost?.toString() ?? null,
        withinBudget: cost === null ? null : cost <= budget,
      };
    }),
  };
}

export interface RequestMatch {
  request: RequestView;
  /** The owner's devices that report the metric inside the request's area (checksummed). */
  devices: Address[];
}

/**
 * Open requests the owner's devices could serve ("3 requests want PM2.5 where
 * your device is"): a device fits when, over the last week, it reported the
 * request's metric from a cell inside the request's area.
 */
export async function requestsForOwner(db: PrismaClient, owner: Address, now = new Date()): Promise<RequestMatch[]> {
  const devices = await db.device.findMany({ where: { ownerAddress: { equals: owner, mode: "insensitive" } }, select: { address: true } });
  if (devices.length === 0) return [];
  const activity = await recentActivity(db, devices.map((device) => device.address), new Date(now.getTime() - RECENT_ACTIVITY_MS));
  const allCells = [...new Set([...activity.values()].flatMap((a) => a.cellsR7))];
  const allMetrics = [...new Set([...activity.values()].flatMap((a) => a.metrics))];
  if (allCells.length === 0 || allMetrics.length === 0) return [];

  const candidates = await db.marketRequest.findMany({
    where: { status: "OPEN", expiresAt: { gt: now }, metric: { in: allMetrics }, cellsR7: { hasSome: allCells }, buyerAddress: { not: getAddress(owner) } },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  const matches: RequestMatch[] = [];
  for (const row of candidates) {
    const area = new Set(row.cellsR7);
    const fitting = [...activity]
      .filter(([, a]) => a.metrics.includes(row.metric) && a.cellsR7.some((cell) => area.has(cell)))
      .map(([address]) => getAddress(address))
      .sort();
    if (fitting.length > 0) matches.push({ request: toRequestView(row), devices: fitting });
  }
  return matches;
}
