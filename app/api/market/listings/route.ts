import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";
import { browseListings, createListing } from "@/lib/market/listings";
import { assertMarketReadAllowed, assertMarketWriteAllowed } from "@/lib/market/rate-limit";
import { browseListingsSchema, createListingSchema } from "@/lib/market/schemas";

/** Public: active listings with filters (kind, metric, project, price, cell, seller), full-text `q`, sort, pages. */
export const GET = handle(async (request: Request) => {
  assertMarketReadAllowed(request);
  const query = browseListingsSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return Response.json(await browseListings(db(), query), { headers: { "Cache-Control": "no-store" } });
});

/** The signed-in owner lists a feed, a service or a device; only devices they own. */
export const POST = handle(async (request: Request) => {
  const session = await requireSession();
  assertMarketWriteAllowed(session.address);
  const input = await parseJsonBody(request, createListingSchema);
  return Response.json(await createListing(db(), session.address, input), { status: 201 });
});
