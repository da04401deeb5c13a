import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { listApiKeys } from "@/lib/market/api-keys";

/** The signed-in buyer's API keys (never the secrets: only their prefixes). */
export const GET = handle(async () => {
  const session = await requireSession();
  return Response.json(await listApiKeys(db(), session.address), { headers: { "Cache-Control": "no-store" } });
});
