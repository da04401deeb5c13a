import { getSession } from "@/lib/auth/session";
import { handle } from "@/lib/http/handler";

export const GET = handle(async () => {
  const session = await getSession();
  const body = session ? { address: session.address, chainId: session.chainId } : { address: null };
  return Response.json(body, { headers: { "Cache-Control": "no-store" } });
});
