import { BaseError } from "viem";
import type { BridgeError } from "./bridge";

/** An error the wallet returns to the page with an EIP-1193 / JSON-RPC code. */
export class WalletRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "WalletRpcError";
  }
}

// EIP-1193 provider error codes, plus EIP-3085's "unrecognized chain".
export const userRejected = (): WalletRpcError => new WalletRpcError(4001, "User rejected the request.");
export const unauthorized = (detail: string): WalletRpcError => new WalletRpcError(4100, `Unauthorized: ${detail}`);
export const unsupportedMethod = (method: string): WalletRpcError =>
  new WalletRpcError(4200, `The test wallet does not support ${method}.`);
export const unrecognizedChain = (chainId: number): WalletRpcError =>
  new WalletRpcError(4902, `Unrecognized chain ID ${chainId}. Try adding the chain using wallet_addEthereumChain first.`);
export const invalidParams = (detail: string): WalletRpcError => new WalletRpcError(-32602, `Invalid params: ${detail}`);

function hasNumericCode(error: unknown): error is { code: number; data?: unknown } {
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "number";
}

/** Flattens anything thrown while handling a request into the shape the page rethrows. */
export function toBridgeError(error: unknown): BridgeError {
  if (error instanceof WalletRpcError) return { code: error.code, message: error.message, data: error.data };
  if (error instanceof BaseError) {
    // viem wraps node errors (e.g. a revert during gas estimation); keep the node's code and revert data.
    const coded = error.walk(hasNumericCode);
    const code = hasNumericCode(coded) ? coded.code : -32603;
    const data = hasNumericCode(coded) ? coded.data : undefined;
    return { code, message: error.shortMessage, data };
  }
  return { code: -32603, message: error instanceof Error ? error.message : String(error) };
}
