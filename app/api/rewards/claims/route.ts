import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { ownerClaimArguments } from "@/lib/rewards/earnings";
import { rewardsChain, takeRewardsRateLimit } from "@/lib/rewards/runtime";

/** RewardDistributor.claimMany's arguments for the signed-in owner's devices (latest confirmed epoch). */
export const GET = handle(async () => {
  const session = await requireSession();
  takeRewardsRateLimit(session.address);
  const chain = rewardsChain();
  const claims = await ownerClaimArguments(db(), session.address, chain?.reader ?? null);
  return Response.json({ distributor: chain?.distributor ?? null, claims }, { headers: { "Cache-Control": "no-store" } });
});
