import type { Metadata } from "next";
import Link from "next/link";
import { serverEnv } from "@/lib/config/env";

export const metadata: Metadata = { title: "Feed API" };

export default function FeedApiDocsPage() {
  const base = serverEnv().APP_URL.replace(/\/$/, "");
  const examples = [
    {
      title: "Readings, page by page",
      text: "The first page of your order's readings, oldest first. Pass nextCursor back as cursor until it is null.",
      code: `curl -H "Authorization: Bearer $DEPINHUB_KEY" \\\n  "${base}/api/v1/feeds/$ORDER_ID/readings?limit=100"\n\ncurl -H "Authorization: Bearer $DEPINHUB_KEY" \\\n  "${base}/api/v1/feeds/$ORDER_ID/readings?limit=100&cursor=$NEXT_CURSOR"`,
    },
    {
      title: "Live stream (server-sent events)",
      text: "Each new reading arrives as an event named reading; its id is the cursor to resume from (Last-Event-ID).",
      code: `curl -N -H "Authorization: Bearer $DEPINHUB_KEY" \\\n  "${base}/api/v1/feeds/$ORDER_ID/stream"`,
    },
    {
      title: "CSV export",
      text: "Up to 10,000 readings per request; the X-Next-Cursor response header continues the export.",
      code: `curl -D headers.txt -H "Authorization: Bearer $DEPINHUB_KEY" \\\n  -o order.csv "${base}/api/v1/feeds/$ORDER_ID/export"`,
    },
  ];
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Feed API</h1>
      <p>
        Buying a data feed gives you an order id. On <Link href="/market/dashboard">your market dashboard</Link> create an API key for the order:
        it is shown once, reads only that order, and stops working when the order expires or is refunded. Keys are limited to 5 requests per
        second (bursts of 50). The full description is the <a href="/api/v1/openapi.json">OpenAPI document</a>.
      </p>
      <p className="muted">
        Readings carry the listing&apos;s metrics in physical units and the H3 cell (resolution 7) where they were measured, never the device&apos;s
        exact position.
      </p>
      {examples.map((example) => (
        <article key={example.title} className="card">
          <h2>{example.title}</h2>
          <p>{example.text}</p>
          <pre>
            <code>{example.code}</code>
          </pre>
        </article>
      ))}
      <article className="card">
        <h2>Errors</h2>
        <p>
          Every error is JSON <code>{`{"error":{"code","message"}}`}</code>: 401 <code>api_key_required</code>, <code>api_key_invalid</code> or{" "}
          <code>api_key_expired</code>; 403 <code>api_key_wrong_order</code>; 409 <code>order_closed</code>; 429 <code>rate_limited</code> with
          Retry-After.
        </p>
      </article>
    </section>
  );
}
