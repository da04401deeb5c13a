import { db } from "@/lib/db/client";
import { handle } from "@/lib/http/handler";
import { feedReadings } from "@/lib/market/feed";
import { authorizedOrder, pageQuerySchema } from "@/lib/market/feed-routes";

const POLL_MS = 2_000;
/** A stream ends after this long; clients reconnect with Last-Event-ID (EventSource does it by itself). */
const MAX_STREAM_MS = 10 * 60_000;

/**
 * Server-sent events: each new reading as `event: reading` with its cursor as
 * the event id, so a reconnect resumes where it stopped. Starts after
 * `cursor` (or Last-Event-ID), or at the newest reading. Auth: the order's API key.
 */
export const GET = handle(async (request: Request, context: { params: Promise<{ orderId: string }> }) => {
  const order = await authorizedOrder(request, context.params);
  const query = pageQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  let cursor = request.headers.get("last-event-id") ?? query.cursor;
  if (!cursor) {
    // Live from now: skip the backlog (the REST endpoint serves it).
    let page = await feedReadings(db(), order, { limit: 1_000 });
    while (page.nextCursor) page = await feedReadings(db(), order, { cursor: page.nextCursor, limit: 1_000 });
    cursor = page.resumeCursor ?? undefined;
  }
  const encoder = new TextEncoder();
  const started = Date.now();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode(`retry: ${POLL_MS}\n: streaming order ${order.orderId}\n\n`));
      try {
        while (!request.signal.aborted && Date.now() - started < MAX_STREAM_MS && order.expiresAt.getTime() > Date.now()) {
          const page = await feedReadings(db(), order, { cursor, limit: 500 });
          for (const [index, reading] of page.readings.entries()) {
            // Only the last event of a page carries the resumable cursor; earlier ones repeat the page's start.
            const id = index === page.readings.length - 1 ? page.resumeCursor : cursor;
            controller.enqueue(encoder.encode(`${id ? `id: ${id}\n` : ""}event: reading\ndata: ${JSON.stringify(reading)}\n\n`));
          }
          cursor = page.resumeCursor ?? cursor;
          if (!page.nextCursor) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } catch (error) {
        controller.enqueue(encoder.encode(`event: error\ndata: ${JSON.stringify({ message: error instanceof Error ? error.message : "stream failed" })}\n\n`));
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" } });
});
