import "server-only";
import { randomUUID } from "node:crypto";
import { getAddress, type Address } from "viem";
import type { MarketRequest, PrismaClient } from "../db/generated/client";
import { areaFromCells } from "./area";
import { ExpiryInPastError, RequestNotFoundError } from "./errors";
import type { CreateRequestInput } from "./schemas";

export interface RequestView {
  id: string;
  buyer: Address;
  status: MarketRequest["status"];
  title: string;
  metric: string;
  cellsR7: string[];
  deviceCount: number;
  durationDays: number;
  budget: string;
  expiresAt: string;
  createdAt: string;
}

export function toRequestView(row: MarketRequest): RequestView {
  return {
    id: row.id,
    buyer: getAddress(row.buyerAddress),
    status: row.status,
    title: row.title,
    metric: row.metric,
    cellsR7: row.cellsR7,
    deviceCount: row.deviceCount,
    durationDays: row.durationDays,
    budget: row.budget.toString(),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

/** A consumer posts demand: a metric over an area, from some devices, for a while, within a budget. */
export async function createRequest(db: PrismaClient, buyer: Address, input: CreateRequestInput, now = new Date()): Promise<RequestView> {
  if (input.expiresAt <= now) throw new ExpiryInPastError();
  const row = await db.marketRequest.create({
    data: {
      id: randomUUID(),
      buyerAddress: getAddress(buyer),
      title: input.title,
      metric: input.metric,
      cellsR7: areaFromCells(input.cells),
      deviceCount: input.deviceCount,
      durationDays: input.durationDays,
      budget: input.budget,
      expiresAt: input.expiresAt,
    },
  });
  return toRequestView(row);
}

/** Open, unexpired requests, newest first. */
export async function openRequests(db: PrismaClient, { metric, limit = 50 }: { metric?: string; limit?: number } = {}, now = new Date()): Promise<RequestView[]> {
  const rows = await db.marketRequest.findMany({
    where: { status: "OPEN", expiresAt: { gt: now }, ...(metric ? { metric } : {}) },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return rows.map(toRequestView);
}

export async function requestById(db: PrismaClient, id: string): Promise<RequestView> {
  const row = await db.marketRequest.findUnique({ where: { id } });
  if (!row) throw new RequestNotFoundError();
  return toRequestView(row);
}

/**
 * The buyer closes their own request; anyone else's looks missing. Closing again keeps the first closedAt:
 * reward epochs read it to count the request as demand only while it was open.
 */
export async function closeRequest(db: PrismaClient, buyer: Address, id: string, now = new Date()): Promise<RequestView> {
  const row = await db.marketRequest.findUnique({ where: { id } });
  if (!row || row.buyerAddress.toLowerCase() !== buyer.toLowerCase()) throw new RequestNotFoundError();
  if (row.status === "CLOSED") return toRequestView(row);
  return toRequestView(await db.marketRequest.update({ where: { id }, data: { status: "CLOSED", closedAt: now } }));
}
