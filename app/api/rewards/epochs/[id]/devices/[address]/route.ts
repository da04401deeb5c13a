import { db } from "@/lib/db/client";
import { addressSchema } from "@/lib/devices/schemas";
import { handle, NotFoundError } from "@/lib/http";
import { clientAddress } from "@/lib/http/client-address";
import { explainDeviceEarning } from "@/lib/rewards/proofs-view";
import { takeRewardsRateLimit } from "@/lib/rewards/runtime";
import { epochIdSchema } from "@/lib/rewards/schemas";

/** Public: why a device earned its amount in an epoch (the inputs are published anyway). */
export const GET = handle(async (request: Request, context: { params: Promise<{ id: string; address: string }> }) => {
  takeRewardsRateLimit(clientAddress(request));
  const params = await context.params;
  const explanation = await explainDeviceEarning(db(), epochIdSchema.parse(params.id), addressSchema.parse(params.address));
  if (!explanation) throw new NotFoundError("This device has no result in this epoch.");
  return Response.json(explanation);
});
