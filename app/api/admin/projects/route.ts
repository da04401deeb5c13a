import { myProjects } from "@/lib/admin/access";
import { requireSession } from "@/lib/auth/session";
import { serverEnv } from "@/lib/config/env";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";

/** The signed-in wallet's projects (admin or operator) on the app's chain. */
export const GET = handle(async () => {
  const session = await requireSession();
  return Response.json({ projects: await myProjects(db(), session.address, serverEnv().CHAIN_ID) }, { headers: { "Cache-Control": "no-store" } });
});
