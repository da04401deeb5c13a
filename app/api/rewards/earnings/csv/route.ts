import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { ownerEarningsCsv } from "@/lib/rewards/earnings";
import { takeRewardsRateLimit } from "@/lib/rewards/runtime";

/** The signed-in owner's per-epoch, per-device earnings as a CSV download. */
export const GET = handle(async () => {
  const session = await requireSession();
  takeRewardsRateLimit(session.address);
  return new Response(await ownerEarningsCsv(db(), session.address), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": 'attachment; filename="earnings.csv"', "Cache-Control": "no-store" },
  });
});
