import { createServer, type Server } from "node:http";
import { startAnvil, type AnvilHandle } from "../../../lib/chain/anvil";
import { freePort } from "../chain/helpers";

/** An RPC URL whose port refuses connections (a node that is down). */
export async function deadEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

/** An RPC URL that answers every request with HTTP 503 (a node that is up but sick); counts the requests it refused. */
export async function sickEndpoint(): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((request, response) => {
    hits += 1;
    request.resume();
    response.writeHead(503, { "content-type": "text/plain" }).end("overloaded");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * anvil on a fixed port with a --state file, so it can be stopped (an RPC
 * outage) and started again with the same chain: anvil writes its state on
 * SIGTERM and loads it on start. Clients keep the same URL throughout.
 */
export async function restartableAnvil(statePath: string): Promise<{ rpcUrl: string; stop(): Promise<void>; start(): Promise<void>; close(): Promise<void> }> {
  const port = await freePort();
  let handle: AnvilHandle | null = await startAnvil({ port, statePath });
  const rpcUrl = handle.rpcUrl;
  return {
    rpcUrl,
    async stop() {
      await handle?.stop();
      handle = null;
    },
    async start() {
      if (handle) return;
      handle = await startAnvil({ port, statePath });
    },
    async close() {
      await handle?.stop();
      handle = null;
    },
  };
}
