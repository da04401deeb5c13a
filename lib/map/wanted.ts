import "server-only";
import { cellToParent } from "h3-js";
import type { PrismaClient } from "../db/generated/client";
import { hexRing } from "./hexagons";

/** Resolution the demand layer is drawn at (~250 km² hexagons): readable from continent zoom. */
export const WANTED_RESOLUTION = 5;
/** Most requested res-7 cells read per call; the marketplace caps a request's area, this caps the layer. */
const MAX_CELLS = 20_000;

export interface WantedProperties {
  cell: string;
  /** Open, unexpired requests covering (part of) the cell. */
  requests: number;
  /** Sum over those requests of budget ÷ the request's number of cells, per covered cell (token base units). */
  budget: string;
  metrics: string[];
}

export interface WantedFeature {
  type: "Feature";
  id: string;
  properties: WantedProperties;
  geometry: { type: "Polygon"; coordinates: number[][][] };
}

/**
 * "Where data is wanted": the marketplace's open requests (lib/market, read
 * only) as hexagons. Only what the marketplace shows publicly goes out: area,
 * metric, budget and how many requests; never buyers or titles. Requests are
 * grouped per res-7 cell in PostgreSQL; the (few) cells are then folded into
 * their display-resolution parents here, since PostgreSQL has no H3.
 */
export async function wantedCells(db: PrismaClient, now = new Date()): Promise<WantedFeature[]> {
  const rows = await db.$queryRaw<Array<{ cell: string; requests: string[]; budget: string; metrics: string[] }>>`
    SELECT cell, array_agg(r.id) AS requests, trunc(sum(r.budget::numeric / cardinality(r."cellsR7")))::text AS budget,
           array_agg(DISTINCT r.metric) AS metrics
    FROM "MarketRequest" r CROSS JOIN LATERAL unnest(r."cellsR7") AS cell
    WHERE r.status = 'OPEN' AND r."expiresAt" > ${now} AND cardinality(r."cellsR7") > 0
    GROUP BY cell
    ORDER BY cell
    LIMIT ${MAX_CELLS}`;
  const parents = new Map<string, { requests: Set<string>; budget: bigint; metrics: Set<string> }>();
  for (const row of rows) {
    const parent = cellToParent(row.cell, WANTED_RESOLUTION);
    const entry = parents.get(parent) ?? { requests: new Set<string>(), budget: 0n, metrics: new Set<string>() };
    for (const id of row.requests) entry.requests.add(id);
    for (const metric of row.metrics) entry.metrics.add(metric);
    entry.budget += BigInt(row.budget);
    parents.set(parent, entry);
  }
  return [...parents].map(([cell, entry]) => ({
    type: "Feature",
    id: cell,
    properties: { cell, requests: entry.requests.size, budget: entry.budget.toString(), metrics: [...entry.metrics].sort() },
    geometry: { type: "Polygon", coordinates: [hexRing(cell)] },
  }));
}
