import { z } from "zod";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { addressSchema } from "@/lib/devices/schemas";
import { handle } from "@/lib/http/handler";
import { cellDetail, deviceDetail } from "@/lib/map/detail";
import { limitMapRequest } from "@/lib/map/rate-limit";
import { METRIC_KEYS, WINDOW_KEYS } from "@/lib/map/viewport-params";

const common = { metric: z.enum(METRIC_KEYS).default("pm25"), window: z.enum(WINDOW_KEYS).default("24h"), project: z.string().regex(/^[a-z0-9-]{1,64}$/).optional() };
const querySchema = z.union([
  z.object({ device: addressSchema, ...common }),
  z.object({ cell: z.string().regex(/^[0-9a-f]{15}$/), ...common }),
]);

/** Public: the side panel's data for one device or one hexagon (same privacy rule as the viewport). */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const viewer = (await getSession())?.address ?? null;
  const body = "device" in query ? await deviceDetail(db(), query.device, query.metric, viewer) : await cellDetail(db(), query.cell, query, viewer);
  return Response.json(body, { headers: { "Cache-Control": "private, no-store", Vary: "Cookie" } });
});
