import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { handle } from "@/lib/http/handler";

/** The project as its admin or operator sees it, with the caller's role. */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project, role } = await projectAccessForRoute(context);
  return Response.json(
    { project: { ...project, onchainId: String(project.onchainId) }, role },
    { headers: { "Cache-Control": "no-store" } },
  );
});
