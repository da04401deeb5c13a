import { connection } from "next/server";
import { issueNonce } from "@/lib/auth/siwe";
import { handle } from "@/lib/http/handler";

export const GET = handle(async () => {
  await connection();
  const { nonce, expiresAt } = await issueNonce();
  return Response.json({ nonce, expiresAt: expiresAt.toISOString() }, { headers: { "Cache-Control": "no-store" } });
});
