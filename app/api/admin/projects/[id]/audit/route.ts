import { z } from "zod";
import { auditLog, recordAdminAction } from "@/lib/admin/audit";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";

/** Every admin action on the project: indexed transactions and off-chain actions, newest first. */
export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context, 5);
  return Response.json({ entries: await auditLog(db(), project) }, { headers: { "Cache-Control": "no-store" } });
});

// Labels are drawn in the browser (their claim keys never reach the server); it reports that it made them.
const body = z.object({ action: z.literal("labels.generate"), count: z.number().int().min(1).max(100_000) });

export const POST = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project, actor } = await projectAccessForRoute(context);
  const { action, count } = await parseJsonBody(request, body);
  await recordAdminAction(db(), { projectId: project.id, actor, action, details: { count } });
  return new Response(null, { status: 204 });
});
