import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { limitMapRequest } from "@/lib/map/rate-limit";
import { queryViewport } from "@/lib/map/viewport";
import { viewportQuerySchema } from "@/lib/map/viewport-params";

/**
 * Public: hexagons or devices for one viewport. Anonymous viewers get public
 * (H3 res-7) positions only; exact fixes only for the session's own devices.
 */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  const query = viewportQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const session = await getSession();
  const body = await queryViewport(db(), query, session?.address ?? null);
  // Private fields depend on the cookie: never share a response between viewers.
  return Response.json(body, { headers: { "Cache-Control": "private, no-store", Vary: "Cookie" } });
});
