import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { epochsOverview } from "@/lib/admin/reward-ops";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { epochTiming } from "@/lib/rewards/readiness";

/** The project's reward epochs with pipeline stage, timings and failures (newest first), and the next one's state. */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context);
  return Response.json(await epochsOverview(db(), project.id, epochTiming(serverEnv())), { headers: { "Cache-Control": "no-store" } });
});
