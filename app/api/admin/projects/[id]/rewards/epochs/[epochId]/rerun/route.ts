import { projectAccessForRoute } from "@/lib/admin/http";
import { rerunFailedEpoch } from "@/lib/admin/reward-ops";
import { db } from "@/lib/db/client";
import { ForbiddenError, NotFoundError } from "@/lib/http/errors";
import { handle } from "@/lib/http/handler";

const epochIdSchema = /^[1-9][0-9]{0,9}$/;

/** Hands a failed epoch back to the reward worker (admin only; a second call is a no-op that says so). */
export const POST = handle(async (_request: Request, context: { params: Promise<{ id: string; epochId: string }> }) => {
  const { project, actor, role } = await projectAccessForRoute(context, 5);
  if (role !== "admin") throw new ForbiddenError("Only the project's admin can re-run an epoch.", "admin_only");
  const raw = (await context.params).epochId;
  if (!epochIdSchema.test(raw) || Number(raw) > 2_147_483_647) throw new NotFoundError("No such epoch in this project.", "epoch_not_found");
  return Response.json(await rerunFailedEpoch(db(), project.id, Number(raw), actor), { headers: { "Cache-Control": "no-store" } });
});
