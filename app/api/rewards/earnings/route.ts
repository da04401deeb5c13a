import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { ownerEarnings } from "@/lib/rewards/earnings";
import { rewardsChain, takeRewardsRateLimit } from "@/lib/rewards/runtime";

/** The signed-in owner's earnings: totals, per day, per device, pending, claimable, claimed, projection. */
export const GET = handle(async () => {
  const session = await requireSession();
  takeRewardsRateLimit(session.address);
  const summary = await ownerEarnings(db(), session.address, { claimed: rewardsChain()?.reader ?? null });
  return Response.json(summary, { headers: { "Cache-Control": "no-store" } });
});
