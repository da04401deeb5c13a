import { z } from "zod";
import { MAX_FIRMWARE_LENGTH, MAX_SERIAL_LENGTH, modelFitsOnChain } from "@/lib/admin/device-csv";
import { projectAccessForRoute, type ProjectRouteContext } from "@/lib/admin/http";
import { saveDeviceMetadata } from "@/lib/admin/registration";
import { db } from "@/lib/db/client";
import { addressSchema } from "@/lib/devices/schemas";
import { handle, parseJsonBody } from "@/lib/http/handler";

const nullableText = (max: number) => z.string().trim().max(max).nullable().transform((value) => (value ? value : null));
const body = z.object({
  devices: z
    .array(
      z.object({
        address: addressSchema,
        model: z.string().trim().min(1).refine(modelFitsOnChain, "must fit in 32 bytes"),
        serial: nullableText(MAX_SERIAL_LENGTH),
        firmware: nullableText(MAX_FIRMWARE_LENGTH),
      }),
    )
    .min(1)
    .max(5_000),
});

/** Saves serial and firmware (off-chain) for devices about to be registered; sent before the batch transactions. */
export const PUT = handle(async (request: Request, context: ProjectRouteContext) => {
  const { project, actor } = await projectAccessForRoute(context, 10);
  const { devices } = await parseJsonBody(request, body);
  return Response.json(await saveDeviceMetadata(db(), { projectId: project.id, actor }, devices));
});
