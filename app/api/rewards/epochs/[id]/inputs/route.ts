import { db } from "@/lib/db/client";
import { handle, NotFoundError } from "@/lib/http";
import { clientAddress } from "@/lib/http/client-address";
import { epochInputsDocument } from "@/lib/rewards/proofs-view";
import { takeRewardsRateLimit } from "@/lib/rewards/runtime";
import { epochIdSchema } from "@/lib/rewards/schemas";

/** Public: the epoch's published inputs document as a JSON download (docs/rewards.md "Inputs"). */
export const GET = handle(async (request: Request, context: { params: Promise<{ id: string }> }) => {
  takeRewardsRateLimit(clientAddress(request));
  const id = epochIdSchema.parse((await context.params).id);
  const document = await epochInputsDocument(db(), id);
  if (!document) throw new NotFoundError("No such epoch.");
  return new Response(JSON.stringify(document, null, 2), {
    headers: { "Content-Type": "application/json", "Content-Disposition": `attachment; filename="epoch-${document.projectId}-${document.epoch}-inputs.json"` },
  });
});
