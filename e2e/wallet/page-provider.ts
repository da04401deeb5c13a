import type { BridgeRequest, BridgeResponse, InjectedProviderConfig } from "./bridge";

/**
 * Runs inside the page (serialised by page.addInitScript), before any app
 * script. It must be self-contained: no imports at runtime, no outer helpers.
 * All state and signing live in Node; this only relays requests and events.
 */
export function installInjectedProvider(config: InjectedProviderConfig): void {
  type Listener = (payload: unknown) => void;
  type PageGlobals = Record<string, unknown>;

  const globals = window as unknown as PageGlobals;
  const listeners = new Map<string, Set<Listener>>();

  const emit = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };

  const provider = {
    async request(args: BridgeRequest): Promise<unknown> {
      const callNode = globals[config.requestBindingName] as (req: BridgeRequest) => Promise<BridgeResponse>;
      const response = await callNode({ method: args.method, params: args.params });
      if ("error" in response) {
        // EIP-1193 errors are Errors carrying a numeric `code` (4001, 4902, …).
        throw Object.assign(new Error(response.error.message), response.error);
      }
      return response.result;
    },
    on(event: string, listener: Listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(event, set);
      return provider;
    },
    removeListener(event: string, listener: Listener) {
      listeners.get(event)?.delete(listener);
      return provider;
    },
  };

  globals[config.emitterName] = emit;

  const announce = (): void => {
    const detail = Object.freeze({ info: Object.freeze({ ...config.info }), provider });
    window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
  };
  // Libraries that load later (wagmi's discovery) ask again with requestProvider.
  window.addEventListener("eip6963:requestProvider", announce);
  announce();

  // EIP-1193 `connect`: the provider can now serve RPC requests.
  provider.request({ method: "eth_chainId" }).then(
    (chainId) => emit("connect", { chainId }),
    () => undefined,
  );
}
