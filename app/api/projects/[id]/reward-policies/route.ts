import { z } from "zod";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { publishedPolicies } from "@/lib/rewards/policies";

const projectIdSchema = z.coerce.number().int().positive();

/** Public: every published reward policy version of a project, with the hash its proofs commit to (docs/rewards.md). */
export const GET = handle(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const projectId = projectIdSchema.parse((await context.params).id);
  return Response.json({ projectId, policies: await publishedPolicies(db(), projectId) }, { headers: { "Cache-Control": "no-store" } });
});
