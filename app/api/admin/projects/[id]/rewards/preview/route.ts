import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { previewDraftPolicy, previewRequestSchema } from "@/lib/admin/reward-ops";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";

/** What a draft policy would pay over the last epoch's inputs; read-only, so operators may preview too. */
export const POST = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context, 5);
  const input = await parseJsonBody(request, previewRequestSchema);
  return Response.json(await previewDraftPolicy(db(), project.id, input), { headers: { "Cache-Control": "no-store" } });
});
