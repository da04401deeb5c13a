import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { feedReadings } from "@/lib/market/feed";
import { authorizedOrder, pageQuerySchema } from "@/lib/market/feed-routes";

/** The order's readings, oldest first, `limit` per page; follow `nextCursor`. Auth: the order's API key. */
export const GET = handle(async (request: Request, context: { params: Promise<{ orderId: string }> }) => {
  const order = await authorizedOrder(request, context.params);
  const query = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const page = await feedReadings(db(), order, query);
  return Response.json({ orderId: order.orderId.toString(), readings: page.readings, nextCursor: page.nextCursor }, { headers: { "Cache-Control": "no-store" } });
});
