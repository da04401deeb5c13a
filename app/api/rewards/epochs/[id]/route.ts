import { db } from "@/lib/db/client";
import { handle, NotFoundError } from "@/lib/http";
import { clientAddress } from "@/lib/http/client-address";
import { epochDetail } from "@/lib/rewards/proofs-view";
import { takeRewardsRateLimit } from "@/lib/rewards/runtime";
import { epochIdSchema } from "@/lib/rewards/schemas";

/** Public: one epoch with its policy, batches (proofs, public signals, transactions) and per-device amounts. */
export const GET = handle(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  takeRewardsRateLimit(clientAddress(request));
  const detail = await epochDetail(db(), epochIdSchema.parse((await context.params).id));
  if (!detail) throw new NotFoundError("No such epoch.");
  return Response.json(detail);
});
