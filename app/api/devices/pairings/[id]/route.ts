import { requireSession } from "@/lib/auth/session";
import { getOwnerPairing } from "@/lib/devices/pairing";
import { pairingDeps } from "@/lib/devices/runtime";
import { pairingIdSchema } from "@/lib/devices/schemas";
import { handle } from "@/lib/http/handler";

/** The owner polls their pairing until the device has signed it. */
export const GET = handle(async (_request: Request, context: { params: Promise<{ id: string }> }) => {
  const session = await requireSession();
  const id = pairingIdSchema.parse((await context.params).id);
  const pairing = await getOwnerPairing(pairingDeps(), { id, owner: session.address });
  return Response.json(pairing, { headers: { "Cache-Control": "no-store" } });
});
