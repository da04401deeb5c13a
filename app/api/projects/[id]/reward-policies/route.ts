import { z } from "zod";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { publishPolicyAsAdmin } from "@/lib/admin/reward-ops";
import { db } from "@/lib/db/client";
import { ForbiddenError } from "@/lib/http/errors";
import { handle, parseJsonBody } from "@/lib/http/handler";
import { policyInputSchema, publishedPolicies } from "@/lib/rewards/policies";

// Digits only (no hex, no exponent) and within PostgreSQL's integer range, so a bad id is a 400, never a database error.
const projectIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer")
  .transform(Number)
  .refine((id) => id <= 2_147_483_647, "is out of range");

/** Public: every published reward policy version of a project, with the hash its proofs commit to (docs/rewards.md). */
export const GET = handle(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const projectId = projectIdSchema.parse((await context.params).id);
  return Response.json({ projectId, policies: await publishedPolicies(db(), projectId) }, { headers: { "Cache-Control": "no-store" } });
});

/** Publishes the next policy version: the project's admin only (it decides what every device earns); audited. */
export const POST = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project, actor, role } = await projectAccessForRoute(context, 5);
  if (role !== "admin") throw new ForbiddenError("Only the project's admin can publish a reward policy.", "admin_only");
  const input = await parseJsonBody(request, policyInputSchema);
  return Response.json(await publishPolicyAsAdmin(db(), project.id, actor, input), { status: 201, headers: { "Cache-Control": "no-store" } });
});
