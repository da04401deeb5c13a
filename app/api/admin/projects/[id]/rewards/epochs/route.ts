import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { projectEpochs } from "@/lib/admin/reward-ops";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** The project's reward epochs with pipeline stage, timings and failures (newest first). */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context);
  return Response.json({ epochs: await projectEpochs(db(), project.id) }, { headers: { "Cache-Control": "no-store" } });
});
