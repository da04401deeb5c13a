import { recordAdminAction } from "@/lib/admin/audit";
import { fleetCsvStream } from "@/lib/admin/fleet";
import { parseFleetQuery } from "@/lib/admin/fleet-query";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** The filtered fleet as a streamed CSV download. */
export const GET = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project, actor } = await projectAccessForRoute(context, 10);
  const query = parseFleetQuery(new URL(request.url).searchParams);
  await recordAdminAction(db(), { projectId: project.id, actor, action: "devices.export", details: { query: JSON.parse(JSON.stringify(query)) } });
  return new Response(fleetCsvStream(db(), project.id, query), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${project.slug}-fleet.csv"`,
      "Cache-Control": "no-store",
    },
  });
});
