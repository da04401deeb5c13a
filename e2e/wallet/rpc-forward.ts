import { WalletRpcError } from "./rpc-errors";

interface JsonRpcResponse {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

let nextRequestId = 1;

/** Sends one JSON-RPC call to a node (anvil) and unwraps its result or error. */
export async function forwardToRpc(rpcUrl: string, method: string, params: unknown): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: nextRequestId++, method, params: params ?? [] }),
  });
  if (!response.ok) throw new WalletRpcError(-32603, `${rpcUrl} answered HTTP ${response.status} to ${method}`);
  const body = (await response.json()) as JsonRpcResponse;
  if (body.error) throw new WalletRpcError(body.error.code, body.error.message, body.error.data);
  return body.result;
}
