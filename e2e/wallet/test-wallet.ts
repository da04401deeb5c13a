import {
  createWalletClient,
  defineChain,
  hexToBigInt,
  hexToNumber,
  http,
  isAddressEqual,
  isHex,
  numberToHex,
  type Address,
  type Chain,
  type Hex,
  type TypedDataDefinition,
} from "viem";
import type { PrivateKeyAccount } from "viem/accounts";
import type { BridgeRequest, BridgeResponse, ProviderEvent } from "./bridge";
import { devAccount } from "./dev-accounts";
import {
  addChainParams,
  parseParams,
  personalSignParams,
  sendTransactionParams,
  signTypedDataParams,
  switchChainParams,
  typedDataPayload,
} from "./params";
import { forwardToRpc } from "./rpc-forward";
import { toBridgeError, unauthorized, unrecognizedChain, unsupportedMethod, userRejected } from "./rpc-errors";

/** A chain the wallet can switch to, and the node its reads and transactions go to. */
export interface WalletChain {
  id: number;
  name: string;
  rpcUrl: string;
}

export interface TestWalletOptions {
  /** The local anvil node; chain 31337 always points here. */
  anvilRpcUrl: string;
  /** Index into anvil's dev accounts. */
  accountIndex?: number;
  /** Chain the wallet starts on; must be anvil or one of `extraChains`. */
  chainId?: number;
  /** Further chains the wallet already knows (e.g. a "wrong network" served by anvil too). */
  extraChains?: readonly WalletChain[];
}

/** Requests a real wallet would show a confirmation prompt for: the ones a test can reject. */
export const PROMPT_METHODS = [
  "eth_requestAccounts",
  "wallet_requestPermissions",
  "personal_sign",
  "eth_signTypedData_v4",
  "eth_sendTransaction",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
] as const;
export type PromptMethod = (typeof PROMPT_METHODS)[number];

const isPromptMethod = (method: string): method is PromptMethod =>
  (PROMPT_METHODS as readonly string[]).includes(method);

// Signing methods we do not implement; forwarding them would let anvil sign with its unlocked keys.
const REFUSED_METHODS = new Set(["eth_sign", "eth_signTransaction", "eth_signTypedData", "eth_signTypedData_v3"]);

export const ANVIL_CHAIN_ID = 31337;

type EmitToPage = (event: ProviderEvent, payload: unknown) => Promise<void>;

/**
 * The Node side of the test wallet: holds the key, the connection and the
 * current chain, answers wallet methods itself and forwards the rest to the node.
 */
export class TestWallet {
  /** Every request the page made, in order, for assertions. */
  readonly requests: BridgeRequest[] = [];

  private account: PrivateKeyAccount;
  private currentChainId: number;
  private connected = false;
  private readonly chains = new Map<number, WalletChain>();
  private readonly pendingRejections: Array<PromptMethod | undefined> = [];
  private emitToPage: EmitToPage = async () => undefined;

  constructor(options: TestWalletOptions) {
    this.account = devAccount(options.accountIndex ?? 0);
    this.chains.set(ANVIL_CHAIN_ID, { id: ANVIL_CHAIN_ID, name: "Anvil", rpcUrl: options.anvilRpcUrl });
    for (const chain of options.extraChains ?? []) this.chains.set(chain.id, chain);
    this.currentChainId = options.chainId ?? ANVIL_CHAIN_ID;
    if (!this.chains.has(this.currentChainId)) throw new Error(`Wallet does not know chain ${this.currentChainId}`);
  }

  /** Connects the wallet to the page that events should go to. */
  attach(emitToPage: EmitToPage): void {
    this.emitToPage = emitToPage;
  }

  get address(): Address {
    return this.account.address;
  }

  get chainId(): number {
    return this.currentChainId;
  }

  get isConnected(): boolean {
    return this.connected;
  }

  /** The user clicks "Reject" on the next prompt (of `method`, or of any kind): the page gets code 4001. */
  rejectNextPrompt(method?: PromptMethod): void {
    this.pendingRejections.push(method);
  }

  /** The user switches accounts in the wallet UI. */
  async useAccount(index: number): Promise<void> {
    this.account = devAccount(index);
    if (this.connected) await this.emitToPage("accountsChanged", [this.address]);
  }

  /** The user switches network in the wallet UI. */
  async switchChain(chainId: number): Promise<void> {
    if (!this.chains.has(chainId)) throw unrecognizedChain(chainId);
    if (chainId === this.currentChainId) return;
    this.currentChainId = chainId;
    await this.emitToPage("chainChanged", numberToHex(chainId));
  }

  /** The user disconnects the site in the wallet UI. */
  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.emitToPage("accountsChanged", []);
  }

  /** Answers one page request; never throws, errors travel back as data. */
  async handle(request: BridgeRequest): Promise<BridgeResponse> {
    this.requests.push(request);
    try {
      return { result: await this.dispatch(request.method, request.params) };
    } catch (error) {
      return { error: toBridgeError(error) };
    }
  }

  private async dispatch(method: string, params: unknown): Promise<unknown> {
    if (isPromptMethod(method)) this.takeRejection(method);
    switch (method) {
      case "eth_requestAccounts":
        await this.grantAccounts();
        return [this.address];
      case "wallet_requestPermissions":
        await this.grantAccounts();
        return this.permissions();
      case "wallet_getPermissions":
        return this.connected ? this.permissions() : [];
      case "wallet_revokePermissions":
        await this.disconnect();
        return null;
      case "eth_accounts":
        return this.connected ? [this.address] : [];
      case "eth_chainId":
        return numberToHex(this.currentChainId);
      case "net_version":
        return String(this.currentChainId);
      case "wallet_switchEthereumChain": {
        const [{ chainId }] = parseParams(switchChainParams, params);
        await this.switchChain(hexToNumber(chainId));
        return null;
      }
      case "wallet_addEthereumChain":
        return this.addChain(params);
      case "personal_sign":
        return this.personalSign(params);
      case "eth_signTypedData_v4":
        return this.signTypedData(params);
      case "eth_sendTransaction":
        return this.sendTransaction(params);
      default:
        if (REFUSED_METHODS.has(method)) throw unsupportedMethod(method);
        return forwardToRpc(this.currentChain().rpcUrl, method, params);
    }
  }

  private takeRejection(method: PromptMethod): void {
    const index = this.pendingRejections.findIndex((target) => target === undefined || target === method);
    if (index === -1) return;
    this.pendingRejections.splice(index, 1);
    throw userRejected();
  }

  private async grantAccounts(): Promise<void> {
    if (this.connected) return;
    this.connected = true;
    await this.emitToPage("accountsChanged", [this.address]);
  }

  private permissions(): unknown[] {
    return [
      {
        parentCapability: "eth_accounts",
        caveats: [{ type: "restrictReturnedAccounts", value: [this.address] }],
        date: Date.now(),
        invoker: "depin-test-wallet",
      },
    ];
  }

  private async addChain(params: unknown): Promise<null> {
    const [chain] = parseParams(addChainParams, params);
    const id = hexToNumber(chain.chainId);
    const rpcUrl = chain.rpcUrls[0] ?? "";
    if (!this.chains.has(id)) this.chains.set(id, { id, name: chain.chainName, rpcUrl });
    // Like MetaMask: adding a chain also switches to it.
    await this.switchChain(id);
    return null;
  }

  private assertSigner(address: Address): void {
    if (!this.connected) throw unauthorized("the site is not connected");
    if (!isAddressEqual(address, this.address)) throw unauthorized(`${address} is not the connected account`);
  }

  private async personalSign(params: unknown): Promise<Hex> {
    const [message, signer] = parseParams(personalSignParams, params);
    this.assertSigner(signer);
    return this.account.signMessage({ message: isHex(message) ? { raw: message } : message });
  }

  private async signTypedData(params: unknown): Promise<Hex> {
    const [signer, payload] = parseParams(signTypedDataParams, params);
    this.assertSigner(signer);
    const typedData = parseParams(typedDataPayload, typeof payload === "string" ? JSON.parse(payload) : payload);
    // viem derives the EIP712Domain type from `domain` itself.
    const { EIP712Domain: _domainType, ...types } = typedData.types;
    const definition: TypedDataDefinition<Record<string, unknown>, string> = { ...typedData, types };
    return this.account.signTypedData(definition);
  }

  private async sendTransaction(params: unknown): Promise<Hex> {
    const [tx] = parseParams(sendTransactionParams, params);
    this.assertSigner(tx.from ?? this.address);
    const chain = this.currentChain();
    const client = createWalletClient({ account: this.account, chain: toViemChain(chain), transport: http(chain.rpcUrl) });
    const optionalBigInt = (value: Hex | undefined): bigint | undefined =>
      value === undefined ? undefined : hexToBigInt(value);
    const common = {
      to: tx.to,
      data: tx.data,
      value: optionalBigInt(tx.value),
      gas: optionalBigInt(tx.gas),
      nonce: tx.nonce === undefined ? undefined : hexToNumber(tx.nonce),
    };
    // viem fills whatever is missing (nonce, gas, fees) from the node, then signs locally.
    return tx.gasPrice !== undefined
      ? client.sendTransaction({ ...common, gasPrice: hexToBigInt(tx.gasPrice) })
      : client.sendTransaction({
          ...common,
          maxFeePerGas: optionalBigInt(tx.maxFeePerGas),
          maxPriorityFeePerGas: optionalBigInt(tx.maxPriorityFeePerGas),
        });
  }

  private currentChain(): WalletChain {
    const chain = this.chains.get(this.currentChainId);
    if (!chain) throw unrecognizedChain(this.currentChainId);
    return chain;
  }
}

function toViemChain(chain: WalletChain): Chain {
  return defineChain({
    id: chain.id,
    name: chain.name,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [chain.rpcUrl] } },
  });
}
