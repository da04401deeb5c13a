import { z } from "zod";
import { MAX_DEVICES_PER_UPLOAD } from "@/lib/admin/device-csv";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { registeredDevices } from "@/lib/admin/registration";
import { db } from "@/lib/db/client";
import { handle, parseJsonBody } from "@/lib/http/handler";

const body = z.object({ addresses: z.array(z.string().regex(/^0x[0-9a-fA-F]{40}$/)).max(MAX_DEVICES_PER_UPLOAD) });

/** Which of these addresses the chain index has registered, and under which on-chain project (for the validation report). */
export const POST = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project } = await projectAccessForRoute(context, 5);
  const { addresses } = await parseJsonBody(request, body);
  return Response.json({ registered: await registeredDevices(db(), project.chainId, addresses) });
});
