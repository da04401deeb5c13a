import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { feedReadings, readingsCsv } from "@/lib/market/feed";
import { authorizedOrder, pageQuerySchema } from "@/lib/market/feed-routes";

/**
 * CSV export, up to 10,000 readings per request from `cursor`; the next
 * cursor is in the `X-Next-Cursor` header. Auth: the order's API key.
 */
export const GET = handle(async (request: Request, context: { params: Promise<{ orderId: string }> }) => {
  const order = await authorizedOrder(request, context.params);
  const { cursor } = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const listing = order.listingId ? await db().marketListing.findUnique({ where: { id: order.listingId }, select: { metrics: true } }) : null;
  const page = await feedReadings(db(), order, { cursor, limit: 10_000 });
  const headers: Record<string, string> = {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="order-${order.orderId}.csv"`,
    "Cache-Control": "no-store",
  };
  if (page.nextCursor) headers["X-Next-Cursor"] = page.nextCursor;
  return new Response(readingsCsv(page.readings, listing?.metrics ?? []), { headers });
});
