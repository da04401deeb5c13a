import { connection } from "next/server";
import { assertSignInAllowed } from "@/lib/auth/rate-limit";
import { issueNonce } from "@/lib/auth/siwe";
import { handle } from "@/lib/http/handler";

export const GET = handle(async (request: Request) => {
  await connection();
  await assertSignInAllowed(request);
  const { nonce, expiresAt } = await issueNonce();
  return Response.json({ nonce, expiresAt: expiresAt.toISOString() }, { headers: { "Cache-Control": "no-store" } });
});
