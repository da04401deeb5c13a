import { z } from "zod";
import { acknowledgeAlert } from "@/lib/admin/alerts";
import { recordAdminAction } from "@/lib/admin/audit";
import { projectAccessForRoute } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { handle, NotFoundError } from "@/lib/http";

const alertIdSchema = z.string().regex(/^[1-9][0-9]{0,18}$/).transform((value) => BigInt(value));

/** Acknowledges an alert of this project (404 for an unknown, foreign or already acknowledged alert). */
export const POST = handle(async (_request: Request, context: { params: Promise<{ id: string; alertId: string }> }) => {
  const { project, actor } = await projectAccessForRoute(context);
  const alertId = alertIdSchema.parse((await context.params).alertId);
  if (!(await acknowledgeAlert(db(), project.id, alertId, actor))) throw new NotFoundError("No such open alert to acknowledge.");
  await recordAdminAction(db(), { projectId: project.id, actor, action: "alerts.acknowledge", details: { alertId: String(alertId) } });
  return new Response(null, { status: 204 });
});
