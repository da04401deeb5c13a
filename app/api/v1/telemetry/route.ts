import { handle } from "@/lib/http/handler";
import { appHttpIngest } from "@/lib/ingest/pipeline-app";
import { handleTelemetryRequest } from "@/lib/ingest/pipeline-http";

/** Signed device telemetry over HTTP: docs/device-protocol.md §7. */
export const POST = handle(async (request: Request) => handleTelemetryRequest(request, appHttpIngest()));
