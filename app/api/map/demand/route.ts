import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { underServedCells } from "@/lib/map/demand";
import { limitMapRequest } from "@/lib/map/rate-limit";

/** Public: under-served cells at the edge of today's coverage ("earn more here"). */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  return Response.json({ features: await underServedCells(db()) }, { headers: { "Cache-Control": "public, max-age=60" } });
});
