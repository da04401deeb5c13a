import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";
import { assertMarketReadAllowed, assertMarketWriteAllowed } from "@/lib/market/rate-limit";
import { createRequest, openRequests } from "@/lib/market/requests";
import { createRequestSchema, metricSchema } from "@/lib/market/schemas";

/** Public: open requests, newest first, optionally for one metric. */
export const GET = handle(async (request: Request) => {
  assertMarketReadAllowed(request);
  const metric = new URL(request.url).searchParams.get("metric");
  return Response.json(await openRequests(db(), { metric: metric === null ? undefined : metricSchema.parse(metric) }), { headers: { "Cache-Control": "no-store" } });
});

/** The signed-in consumer posts a request. */
export const POST = handle(async (request: Request) => {
  const session = await requireSession();
  assertMarketWriteAllowed(session.address);
  const input = await parseJsonBody(request, createRequestSchema);
  return Response.json(await createRequest(db(), session.address, input), { status: 201 });
});
