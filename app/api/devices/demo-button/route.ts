import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { pressDemoPairButton } from "@/lib/devices/demo-button";
import { pairingDeps } from "@/lib/devices/runtime";
import { addressSchema } from "@/lib/devices/schemas";
import { handle, parseJsonBody } from "@/lib/http/handler";

const body = z.object({ device: addressSchema });

/** Local chain only: "presses the pair button" of a seeded demo device (refused with 403 elsewhere). */
export const POST = handle(async (request: Request) => {
  await requireSession();
  const { device } = await parseJsonBody(request, body);
  return Response.json(await pressDemoPairButton(pairingDeps(), device));
});
