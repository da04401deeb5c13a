/**
 * The contract between the page-side provider and the Node-side wallet.
 * Only plain JSON travels across: Playwright serialises both directions.
 */

export interface BridgeRequest {
  method: string;
  params?: unknown;
}

/** EIP-1193 / JSON-RPC error shape; `code` survives the trip, unlike a thrown Error's. */
export interface BridgeError {
  code: number;
  message: string;
  data?: unknown;
}

export type BridgeResponse = { result: unknown } | { error: BridgeError };

/** EIP-6963 provider info (https://eips.ethereum.org/EIPS/eip-6963). */
export interface Eip6963ProviderInfo {
  uuid: string;
  name: string;
  icon: string;
  rdns: string;
}

export interface InjectedProviderConfig {
  info: Eip6963ProviderInfo;
  /** Global the page calls to reach Node (installed by page.exposeFunction). */
  requestBindingName: string;
  /** Global Node calls (via page.evaluate) to emit an EIP-1193 event in the page. */
  emitterName: string;
}

export type ProviderEvent = "accountsChanged" | "chainChanged" | "connect" | "disconnect";

export const REQUEST_BINDING_NAME = "__depinWalletRequest";
export const EMITTER_NAME = "__depinWalletEmit";
