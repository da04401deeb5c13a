import { z } from "zod";
import { invalidParams } from "./rpc-errors";

/** Zod schemas for the params of the methods the wallet answers itself. */
const hex = z.string().regex(/^0x[0-9a-fA-F]*$/, "expected 0x-prefixed hex") as z.ZodType<`0x${string}`>;
const quantity = hex;
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "expected an address") as z.ZodType<`0x${string}`>;

export const switchChainParams = z.tuple([z.object({ chainId: quantity })]);

export const addChainParams = z.tuple([
  z.object({
    chainId: quantity,
    chainName: z.string().min(1),
    rpcUrls: z.array(z.string()).min(1),
    nativeCurrency: z.object({ name: z.string(), symbol: z.string(), decimals: z.number() }).optional(),
  }),
]);

/** personal_sign: [message (hex, or plain text from older dapps), signer]. */
export const personalSignParams = z.tuple([z.string(), address]);

/** eth_signTypedData_v4: [signer, typed data as JSON text (or already an object)]. */
export const signTypedDataParams = z.tuple([address, z.union([z.string(), z.record(z.string(), z.unknown())])]);

export const typedDataPayload = z.object({
  domain: z.record(z.string(), z.unknown()).default({}),
  types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
  primaryType: z.string(),
  message: z.record(z.string(), z.unknown()),
});

export const sendTransactionParams = z.tuple([
  z.object({
    from: address.optional(),
    to: address.optional(),
    data: hex.optional(),
    value: quantity.optional(),
    gas: quantity.optional(),
    nonce: quantity.optional(),
    gasPrice: quantity.optional(),
    maxFeePerGas: quantity.optional(),
    maxPriorityFeePerGas: quantity.optional(),
  }),
]);

/** Parses params or throws the JSON-RPC "invalid params" error. */
export function parseParams<T>(schema: z.ZodType<T>, params: unknown): T {
  const result = schema.safeParse(params);
  if (!result.success) throw invalidParams(z.prettifyError(result.error));
  return result.data;
}
