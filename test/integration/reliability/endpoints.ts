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
      // anvil's --state file loses the transactions of the newest block across a restart (seen: a mined batch
      // transaction's receipt and logs gone, its block number reused). A live chain would have mined on anyway.
      if (handle) await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }) });
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

export interface RpcCall {
  method: string;
  params?: unknown[];
}

/**
 * A JSON-RPC proxy in front of `upstream` that can fail at a chosen call, as a connection to a node that goes away
 * does. `cutAt(match, during)` arms a cut for the next single call that `match`es: the call still reaches the node
 * (a transaction is mined), then `during` runs (stop the node, stop the database), then the answer is delivered
 * or, with `dropAnswer`, lost (the socket closes without a response). While the node is down every call fails as a
 * refused connection does. Clients keep the proxy's URL throughout.
 */
export async function cuttableRpc(upstream: string): Promise<{
  url: string;
  cutAt(match: (call: RpcCall) => boolean, during: () => Promise<void>, options?: { dropAnswer?: boolean }): Promise<void>;
  close(): Promise<void>;
}> {
  let armed: { match: (call: RpcCall) => boolean; during: () => Promise<void>; dropAnswer: boolean; done: () => void; failed: (error: unknown) => void } | null = null;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const call = JSON.parse(body) as RpcCall | RpcCall[];
        const cut = armed && !Array.isArray(call) && armed.match(call) ? armed : null;
        if (cut) armed = null;
        let answer: string;
        try {
          answer = await (await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body })).text();
        } catch {
          request.socket.destroy(); // the node is down: the client sees its connection fail
          return;
        }
        if (cut) {
          try {
            await cut.during();
            cut.done();
          } catch (error) {
            cut.failed(error);
          }
          if (cut.dropAnswer) return void request.socket.destroy();
        }
        response.writeHead(200, { "content-type": "application/json" }).end(answer);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("no address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    cutAt(match, during, options = {}) {
      return new Promise<void>((done, failed) => (armed = { match, during, dropAnswer: options.dropAnswer ?? false, done, failed }));
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // clients keep connections alive
      }),
  };
}
