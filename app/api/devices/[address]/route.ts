import { db } from "@/lib/db/client";
import { devicePreview } from "@/lib/devices/queries";
import { addressSchema } from "@/lib/devices/schemas";
import { handle } from "@/lib/http/handler";

/** Public: what the chain index knows about a device (shown before anyone claims it). */
export const GET = handle(async (_request: Request, context: { params: Promise<{ address: string }> }) => {
  const device = addressSchema.parse((await context.params).address);
  return Response.json(await devicePreview(db(), device), { headers: { "Cache-Control": "no-store" } });
});
