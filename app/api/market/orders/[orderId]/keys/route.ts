import { requireSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { issueApiKey } from "@/lib/market/api-keys";
import { orderIdSchema } from "@/lib/market/feed-routes";
import { assertMarketWriteAllowed } from "@/lib/market/rate-limit";

/** The order's buyer creates an API key; the response is the only time the key is shown. */
export const POST = handle(async (_request: Request, context: { params: Promise<{ orderId: string }> }) => {
  const session = await requireSession();
  assertMarketWriteAllowed(session.address);
  const orderId = orderIdSchema.parse((await context.params).orderId);
  return Response.json(await issueApiKey(db(), session.address, serverEnv().CHAIN_ID, orderId), { status: 201, headers: { "Cache-Control": "no-store" } });
});
