import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { addressSchema } from "@/lib/devices/schemas";
import { handle } from "@/lib/http/handler";
import { assertTelemetryReadAllowed, requireKnownDevice } from "@/lib/ingest/read-access";
import { deviceSeries } from "@/lib/ingest/series";
import { queryObject, seriesQuerySchema } from "@/lib/ingest/series-query";

/** Public: a device's sensor readings over 1h, 24h or 7d, downsampled to ≤120 min/mean/max buckets. */
export const GET = handle(async (request: Request, context: { params: Promise<{ address: string }> }) => {
  await connection();
  assertTelemetryReadAllowed(request);
  const device = addressSchema.parse((await context.params).address);
  const query = seriesQuerySchema.parse(queryObject(request.url));
  await requireKnownDevice(db(), device);
  return Response.json(await deviceSeries(db(), device, query), { headers: { "Cache-Control": "no-store" } });
});
