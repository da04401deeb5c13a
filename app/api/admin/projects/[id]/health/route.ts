import { fleetHealth } from "@/lib/admin/health";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** Online/offline per hour, quality trend and firmware distribution of the project's fleet. */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context, 5);
  return Response.json(await fleetHealth(db(), project.id), { headers: { "Cache-Control": "no-store" } });
});
