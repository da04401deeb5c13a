import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { z } from "zod";

/** Any-case 0x-address, output checksummed. */
export const addressSchema = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "must be a 0x-prefixed 20-byte address")
  .transform((value): Address => getAddress(value));

/** A 65-byte ECDSA signature (r, s, v), as DeviceRegistry.claim accepts. */
export const claimSignatureSchema = z
  .string()
  .refine((value) => isHex(value, { strict: true }) && value.length === 132, "must be a 0x-prefixed 65-byte signature")
  .transform((value) => value as Hex);

export const pairingIdSchema = z.uuid();
