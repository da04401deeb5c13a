import { connection } from "next/server";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { addressSchema } from "@/lib/devices/schemas";
import { handle } from "@/lib/http/handler";
import { assertTelemetryReadAllowed, requireKnownDevice } from "@/lib/ingest/read-access";
import { queryObject, trackQuerySchema } from "@/lib/ingest/series-query";
import { trackForViewer } from "@/lib/ingest/track";

/** A device's track: exact positions for its owner and project staff, H3 cells for everyone else. */
export const GET = handle(async (request: Request, context: { params: Promise<{ address: string }> }) => {
  await connection();
  assertTelemetryReadAllowed(request);
  const device = addressSchema.parse((await context.params).address);
  const query = trackQuerySchema.parse(queryObject(request.url));
  await requireKnownDevice(db(), device);
  const session = await getSession();
  const track = await trackForViewer(db(), device, session?.address ?? null, query);
  // The answer depends on who asks: no shared cache may keep an owner's exact track.
  return Response.json(track, { headers: { "Cache-Control": "private, no-store", Vary: "Cookie" } });
});
