import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { offersForRequest } from "@/lib/market/matching";
import { assertMarketReadAllowed } from "@/lib/market/rate-limit";
import { marketIdSchema } from "@/lib/market/schemas";

/** Public: feeds and services that could serve a request (metric + area overlap). */
export const GET = handle(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  assertMarketReadAllowed(request);
  const id = marketIdSchema.parse((await context.params).id);
  return Response.json(await offersForRequest(db(), id), { headers: { "Cache-Control": "no-store" } });
});
