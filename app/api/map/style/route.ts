import { z } from "zod";
import { handle } from "@/lib/http/handler";
import { basemapStyle } from "@/lib/map/style";

const querySchema = z.object({ theme: z.enum(["light", "dark"]).default("light") });

/** Public: the offline basemap style (used unless MAP_STYLE_URL names a hosted one). */
export const GET = handle(async (request: Request) => {
  const url = new URL(request.url);
  const { theme } = querySchema.parse(Object.fromEntries(url.searchParams));
  return Response.json(basemapStyle(theme, url.origin), { headers: { "Cache-Control": "public, max-age=3600" } });
});
