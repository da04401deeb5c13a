import { connection } from "next/server";
import { checkHealth } from "@/lib/health/check";
import { handle } from "@/lib/http/handler";

export const GET = handle(async () => {
  await connection();
  const report = await checkHealth();
  return Response.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
});
