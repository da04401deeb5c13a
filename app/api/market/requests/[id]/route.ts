import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";
import { assertMarketWriteAllowed } from "@/lib/market/rate-limit";
import { closeRequest } from "@/lib/market/requests";
import { marketIdSchema } from "@/lib/market/schemas";

// Closing is the only change a request takes: what it asks for is what sellers already answered.
const statusBody = z.object({ status: z.literal("CLOSED") });

/** The buyer closes their own request; anyone else's looks missing. */
export const PATCH = handle(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  const session = await requireSession();
  assertMarketWriteAllowed(session.address);
  const id = marketIdSchema.parse((await context.params).id);
  await parseJsonBody(request, statusBody);
  return Response.json(await closeRequest(db(), session.address, id));
});
