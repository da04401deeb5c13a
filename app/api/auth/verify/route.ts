import { type Hex } from "viem";
import { z } from "zod";
import { assertSignInAllowed } from "@/lib/auth/rate-limit";
import { setSessionCookie } from "@/lib/auth/session";
import { signIn } from "@/lib/auth/siwe";
import { handle, parseJsonBody } from "@/lib/http/handler";

const verifyBody = z.object({
  // EIP-4361 messages are a few hundred bytes; the cap keeps parsing cheap.
  message: z.string().min(1).max(4096),
  // Smart-account (ERC-6492) signatures are longer than 65 bytes, hence the generous cap.
  signature: z.custom<Hex>(
    (value) => typeof value === "string" && /^0x[0-9a-fA-F]{2,20000}$/.test(value),
    "must be a 0x-prefixed hex signature",
  ),
});

export const POST = handle(async (request: Request) => {
  await assertSignInAllowed(request);
  const { message, signature } = await parseJsonBody(request, verifyBody);
  const session = await signIn({ message, signature, host: request.headers.get("host") });
  await setSessionCookie(session.token, session.expiresAt);
  return Response.json({ address: session.address, chainId: session.chainId });
});
