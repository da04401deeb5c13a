import { serverEnv } from "@/lib/config/env";
import { feedOpenApi } from "@/lib/market/openapi";

/** Public: the feed API's OpenAPI document. */
export function GET(): Response {
  return Response.json(feedOpenApi(serverEnv().APP_URL), { headers: { "Cache-Control": "public, max-age=300" } });
}
