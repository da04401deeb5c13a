import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { revokeApiKey } from "@/lib/market/api-keys";

/** The key's owner revokes it. */
export const DELETE = handle(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const session = await requireSession();
  await revokeApiKey(db(), session.address, z.uuid().parse((await context.params).id));
  return new Response(null, { status: 204 });
});
