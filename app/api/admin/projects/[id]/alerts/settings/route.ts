import { alertSettings, alertSettingsSchema, saveAlertSettings } from "@/lib/admin/alert-settings";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/http/errors";
import { handle, parseJsonBody } from "@/lib/http/handler";

export const GET = handle(async (_request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context);
  return Response.json(await alertSettings(db(), project.id), { headers: { "Cache-Control": "no-store" } });
});

/** Thresholds and webhook; the admin only (the webhook decides where project data is sent). */
export const PUT = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project, actor, role } = await projectAccessForRoute(context, 5);
  if (role !== "admin") throw new ForbiddenError("Only the project's admin can change alert settings.", "admin_only");
  const input = await parseJsonBody(request, alertSettingsSchema);
  return Response.json(await saveAlertSettings(db(), project.id, actor, input), { headers: { "Cache-Control": "no-store" } });
});
