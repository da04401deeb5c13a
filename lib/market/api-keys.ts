import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { getAddress, type Address } from "viem";
import type { MarketOrder, PrismaClient } from "../db/generated/client";
import { DomainError, ForbiddenError, NotFoundError, RateLimitedError, UnauthorizedError } from "../http/errors";
import { TokenBuckets } from "../http/rate-limit";

const KEY_PREFIX = "dhk_";

export class OrderNotFoundError extends NotFoundError {
  constructor() {
    super("No such order.", "order_not_found");
  }
}

export class OrderClosedError extends DomainError {
  constructor() {
    super("order_closed", "The order has expired or was refunded: its feed is no longer delivered.", 409);
  }
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export interface IssuedKey {
  id: string;
  /** The secret: shown once, never stored. */
  key: string;
  prefix: string;
  expiresAt: string;
}

/** An order is deliverable while it has not expired and was not refunded (a completed order is fully paid). */
export function orderDeliverable(order: Pick<MarketOrder, "status" | "expiresAt">, now: Date): boolean {
  return order.status !== "REFUNDED" && order.expiresAt > now;
}

/** The order if `buyer` placed it; anyone else's order looks missing. */
async function buyersOrder(db: PrismaClient, buyer: Address, chainId: number, orderId: bigint): Promise<MarketOrder> {
  const order = await db.marketOrder.findUnique({ where: { chainId_orderId: { chainId, orderId } } });
  if (!order || order.buyerAddress.toLowerCase() !== buyer.toLowerCase()) throw new OrderNotFoundError();
  return order;
}

/** A new key for the buyer's order; it expires with the order. */
export async function issueApiKey(db: PrismaClient, buyer: Address, chainId: number, orderId: bigint, now = new Date()): Promise<IssuedKey> {
  const order = await buyersOrder(db, buyer, chainId, orderId);
  if (!orderDeliverable(order, now)) throw new OrderClosedError();
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await db.marketApiKey.create({
    data: { id: randomUUID(), chainId, orderId, ownerAddress: getAddress(buyer), prefix: key.slice(0, 12), keyHash: hashApiKey(key), expiresAt: order.expiresAt },
  });
  return { id: row.id, key, prefix: row.prefix, expiresAt: row.expiresAt.toISOString() };
}

export interface KeyView {
  id: string;
  orderId: string;
  prefix: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  requestCount: number;
}

export async function listApiKeys(db: PrismaClient, owner: Address): Promise<KeyView[]> {
  const rows = await db.marketApiKey.findMany({ where: { ownerAddress: getAddress(owner) }, orderBy: { createdAt: "desc" }, take: 200 });
  return rows.map((row) => ({
    id: row.id,
    orderId: row.orderId.toString(),
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    requestCount: row.requestCount,
  }));
}

export async function revokeApiKey(db: PrismaClient, owner: Address, id: string, now = new Date()): Promise<void> {
  const { count } = await db.marketApiKey.updateMany({ where: { id, ownerAddress: getAddress(owner), revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) throw new NotFoundError("No such key.", "key_not_found");
}

// Per key and process, like every limiter in lib/http/rate-limit.ts.
const keyBuckets = new TokenBuckets({ ratePerSecond: 5, burst: 50 });

/** The key from `Authorization: Bearer …` or `X-API-Key`. */
export function apiKeyFrom(request: Request): string | null {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) return header.slice(7).trim();
  return request.headers.get("x-api-key")?.trim() || null;
}

/**
 * The order a feed request may read. 401 without a valid, unexpired,
 * unrevoked key; 403 when the key belongs to another order; 429 when the key
 * spent its request budget.
 */
export async function authorizeFeedRequest(db: PrismaClient, rawKey: string | null, chainId: number, orderId: bigint, now = new Date(), buckets = keyBuckets): Promise<MarketOrder> {
  if (!rawKey?.startsWith(KEY_PREFIX)) throw new UnauthorizedError("Send your order's API key as `Authorization: Bearer dhk_…`.", "api_key_required");
  const key = await db.marketApiKey.findUnique({ where: { keyHash: hashApiKey(rawKey) } });
  if (!key || key.revokedAt) throw new UnauthorizedError("This API key is not valid.", "api_key_invalid");
  if (key.expiresAt <= now) throw new UnauthorizedError("This API key has expired with its order.", "api_key_expired");
  if (key.chainId !== chainId || key.orderId !== orderId) throw new ForbiddenError("This API key is for another order.", "api_key_wrong_order");
  const spent = buckets.take(key.id);
  if (!spent.ok) throw new RateLimitedError(Math.ceil(spent.retryAfterMs / 1000));
  const order = await db.marketOrder.findUnique({ where: { chainId_orderId: { chainId, orderId } } });
  if (!order) throw new OrderNotFoundError();
  if (!orderDeliverable(order, now)) throw new OrderClosedError();
  await db.marketApiKey.update({ where: { id: key.id }, data: { lastUsedAt: now, requestCount: { increment: 1 } } });
  return order;
}
