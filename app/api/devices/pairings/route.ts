import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { requestPairing } from "@/lib/devices/pairing";
import { pairingDeps } from "@/lib/devices/runtime";
import { addressSchema } from "@/lib/devices/schemas";
import { handle, parseJsonBody } from "@/lib/http/handler";

const body = z.object({ device: addressSchema });

/** The signed-in owner asks to pair a device; the device signs it when its pair button is pressed. */
export const POST = handle(async (request: Request) => {
  const session = await requireSession();
  const { device } = await parseJsonBody(request, body);
  const pairing = await requestPairing(pairingDeps(), { owner: session.address, device });
  return Response.json(pairing, { status: 201 });
});
