import { z } from "zod";
import { pendingPairingForDevice, submitDeviceSignature } from "@/lib/devices/pairing";
import { pairingDeps } from "@/lib/devices/runtime";
import { addressSchema, claimSignatureSchema, pairingIdSchema } from "@/lib/devices/schemas";
import { handle, parseJsonBody } from "@/lib/http/handler";

type Context = { params: Promise<{ address: string }> };

const answer = z.object({ pairingId: pairingIdSchema, signature: claimSignatureSchema });

/** Device side (docs/device-protocol.md, "Claim pairing"): the open pairing to sign, or `{ "pairing": null }`. */
export const GET = handle(async (_request: Request, context: Context) => {
  const device = addressSchema.parse((await context.params).address);
  const pairing = await pendingPairingForDevice(pairingDeps(), device);
  return Response.json({ pairing }, { headers: { "Cache-Control": "no-store" } });
});

/** Device side: the pair button was pressed; the body carries the EIP-712 claim signature. */
export const POST = handle(async (request: Request, context: Context) => {
  const device = addressSchema.parse((await context.params).address);
  const { pairingId, signature } = await parseJsonBody(request, answer);
  const pairing = await submitDeviceSignature(pairingDeps(), { device, pairingId, signature });
  return Response.json({ pairingId: pairing.id, status: pairing.status });
});
