import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { requestsForOwner } from "@/lib/market/matching";
import { assertMarketReadAllowed } from "@/lib/market/rate-limit";

/** The signed-in owner: open requests their devices could serve. */
export const GET = handle(async (request: Request) => {
  const session = await requireSession();
  assertMarketReadAllowed(request);
  return Response.json(await requestsForOwner(db(), session.address), { headers: { "Cache-Control": "no-store" } });
});
