import "server-only";
import { z } from "zod";
import { serverEnv } from "../config/env";
import { db } from "../db/client";
import type { MarketOrder } from "../db/generated/client";
import { apiKeyFrom, authorizeFeedRequest } from "./api-keys";

export const orderIdSchema = z.string().regex(/^\d{1,20}$/, "must be a decimal order id").transform(BigInt);

export const pageQuerySchema = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** The order a `/api/v1/feeds/{orderId}/…` request may read, on this deployment's chain. */
export async function authorizedOrder(request: Request, params: Promise<{ orderId: string }>): Promise<MarketOrder> {
  const orderId = orderIdSchema.parse((await params).orderId);
  return authorizeFeedRequest(db(), apiKeyFrom(request), serverEnv().CHAIN_ID, orderId);
}
