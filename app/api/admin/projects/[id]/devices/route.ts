import { fleetPage } from "@/lib/admin/fleet";
import { parseFleetQuery } from "@/lib/admin/fleet-query";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** One page of the fleet table: filters, sort and paging in the query string (fleet-query.ts). */
export const GET = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context);
  const query = parseFleetQuery(new URL(request.url).searchParams);
  return Response.json(await fleetPage(db(), project.id, query), { headers: { "Cache-Control": "no-store" } });
});
