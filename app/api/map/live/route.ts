import { z } from "zod";
import { getSession } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { devicesChangedSince, liveCursor } from "@/lib/map/live";
import { limitMapRequest } from "@/lib/map/rate-limit";

export const dynamic = "force-dynamic";

const longitude = z.coerce.number().min(-180).max(180);
const latitude = z.coerce.number().min(-90).max(90);
const querySchema = z.object({ west: longitude, south: latitude, east: longitude, north: latitude });

const POLL_MS = 3_000;
/** Streams end after this long; EventSource reconnects by itself, which rebalances instances. */
const STREAM_MS = 5 * 60_000;

/**
 * Public server-sent events: devices in the box as their readings change
 * (event "devices", same privacy as the viewport). Each stream polls the
 * database, so any number of app instances serve consistent updates.
 */
export const GET = handle(async (request: Request) => {
  limitMapRequest(request);
  const box = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const viewer = (await getSession())?.address ?? null;
  const database = db();
  let cursor = await liveCursor(database);
  const encoder = new TextEncoder();
  const endAt = Date.now() + STREAM_MS;
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(`retry: ${POLL_MS}\n\n`));
      while (!request.signal.aborted && Date.now() < endAt) {
        try {
          const changes = await devicesChangedSince(database, box, cursor, viewer);
          cursor = changes.cursor;
          if (changes.devices.length > 0) controller.enqueue(encoder.encode(`event: devices\ndata: ${JSON.stringify(changes.devices)}\n\n`));
          else controller.enqueue(encoder.encode(`: idle\n\n`));
        } catch (error) {
          console.error("[map/live] poll failed:", error);
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      try {
        controller.close();
      } catch {
        // Already closed by the client disconnecting.
      }
    },
  });
  return new Response(stream, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive", Vary: "Cookie" } });
});
