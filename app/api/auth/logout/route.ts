import { signOut } from "@/lib/auth/session";
import { handle } from "@/lib/http/handler";

export const POST = handle(async () => {
  await signOut();
  return new Response(null, { status: 204 });
});
