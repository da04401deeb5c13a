import { projectAlerts } from "@/lib/admin/alerts";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** Open alerts first, then the most recent resolved ones. */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context);
  return Response.json({ alerts: await projectAlerts(db(), project.id) }, { headers: { "Cache-Control": "no-store" } });
});
