import { z } from "zod";
import { requireSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { myMapDevices } from "@/lib/map/mine";
import { limitMapRequest } from "@/lib/map/rate-limit";
import { WINDOW_KEYS } from "@/lib/map/viewport-params";

const querySchema = z.object({ window: z.enum(WINDOW_KEYS).default("24h") });

/** Signed-in only: the viewer's devices with exact positions and tracks (401 otherwise). */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  const { window } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const session = await requireSession();
  return Response.json(await myMapDevices(db(), session.address, window), { headers: { "Cache-Control": "private, no-store" } });
});
