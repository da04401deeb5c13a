import { z } from "zod";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { publishedPolicies } from "@/lib/rewards/policies";

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
