import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { clientAddress } from "@/lib/http/client-address";
import { listEpochs } from "@/lib/rewards/proofs-view";
import { takeRewardsRateLimit } from "@/lib/rewards/runtime";

/** Public: the latest reward epochs of every project. */
export const GET = handle(async (request: Request) => {
  takeRewardsRateLimit(clientAddress(request));
  return Response.json(await listEpochs(db()));
});
