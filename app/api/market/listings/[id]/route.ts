import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";
import { listingDetail, setListingStatus } from "@/lib/market/listings";
import { assertMarketReadAllowed, assertMarketWriteAllowed } from "@/lib/market/rate-limit";
import { marketIdSchema } from "@/lib/market/schemas";

type Context = { params: Promise<{ id: string }> };

/** Public: one listing with its devices' live status and latest quality. */
export const GET = handle(async (request: Request, context: Context) => {
  assertMarketReadAllowed(request);
  const id = marketIdSchema.parse((await context.params).id);
  return Response.json(await listingDetail(db(), id), { headers: { "Cache-Control": "no-store" } });
});

const statusBody = z.object({ status: z.enum(["ACTIVE", "PAUSED", "CLOSED"]) });

/** The seller pauses, reopens or closes their listing. */
export const PATCH = handle(async (request: Request, context: Context) => {
  const session = await requireSession();
  assertMarketWriteAllowed(session.address);
  const id = marketIdSchema.parse((await context.params).id);
  const { status } = await parseJsonBody(request, statusBody);
  return Response.json(await setListingStatus(db(), session.address, id, status));
});
