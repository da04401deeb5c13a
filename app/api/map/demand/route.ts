import { z } from "zod";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { underServedCells } from "@/lib/map/demand";
import { limitMapRequest } from "@/lib/map/rate-limit";
import { wantedCells } from "@/lib/map/wanted";

const demandQuerySchema = z.object({ layer: z.enum(["underserved", "wanted"]).default("underserved") });

/**
 * Public: under-served cells at the edge of today's coverage ("earn more here"),
 * or with ?layer=wanted where consumers' open marketplace requests want data.
 */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  const { layer } = demandQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const features = layer === "wanted" ? await wantedCells(db()) : await underServedCells(db());
  return Response.json({ features }, { headers: { "Cache-Control": "public, max-age=60" } });
});
