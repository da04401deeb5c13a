import { readFile } from "node:fs/promises";
import path from "node:path";

/**
 * MapLibre's web worker, served from our origin. MapLibre 6 finds its worker
 * next to its own module (import.meta.url), which does not exist once the
 * app is bundled; the map points setWorkerUrl here instead (no CDN, works
 * offline, allowed by the page CSP's worker-src 'self').
 */
let cached: Promise<string> | undefined;

function workerSource(): Promise<string> {
  // A path, not require.resolve: the server bundler turns require.resolve into a module id.
  cached ??= readFile(path.join(process.cwd(), "node_modules", "maplibre-gl", "dist", "maplibre-gl-worker.mjs"), "utf8");
  return cached;
}

export async function GET(): Promise<Response> {
  return new Response(await workerSource(), {
    headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "public, max-age=86400" },
  });
}
