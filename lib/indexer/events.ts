import "server-only";
import { decodeEventLog, getAddress, isAddress, type Address, type Hex, type Log } from "viem";
import { z } from "zod";
import { deviceRegistryAbi, marketplaceAbi, projectRegistryAbi } from "../chain/abi.generated";
import type { ContractName, Deployment } from "../chain/deployments";

/** Event arguments as stored in ChainEvent.args: JSON-safe (uint256 → decimal string). */
export type JsonArgs = Record<string, string | boolean>;

/** Where an event sits on the chain; the fold orders by (blockNumber, logIndex). */
export interface EventPosition {
  blockNumber: bigint;
  logIndex: number;
  blockTime: Date;
}

/** A contract log decoded with the generated ABIs, in the shape a ChainEvent row stores. */
export interface DecodedEvent {
  contract: ContractName;
  name: string;
  args: JsonArgs;
  blockNumber: bigint;
  blockHash: Hex;
  txHash: Hex;
  logIndex: number;
  /** The projectId argument, when the event has one. */
  projectOnchainId: bigint | null;
  /** Lowercase device address: the device argument, or the ERC-721 token id (= device address). */
  device: string | null;
}

/** A raw log as `eth_getLogs` returns it for a mined block. */
export type MinedLog = Pick<Log<bigint, number, false>, "address" | "data" | "topics" | "blockNumber" | "blockHash" | "transactionHash" | "logIndex">;

/** ERC-721 token ids are device addresses as numbers; back to a lowercase 0x-address. */
export function tokenIdToDevice(tokenId: bigint): string {
  return `0x${tokenId.toString(16).padStart(40, "0")}`;
}

/**
 * Decodes a log of one of the deployment's contracts; null for logs of other
 * addresses or events the ABI does not know (they carry nothing we project).
 */
export function decodeContractLog(log: MinedLog, contracts: Deployment["contracts"]): DecodedEvent | null {
  const contract = contractAt(log.address, contracts);
  if (!contract) return null;
  let decoded: { eventName: string; args: unknown };
  try {
    decoded =
      contract === "ProjectRegistry"
        ? decodeEventLog({ abi: projectRegistryAbi, data: log.data, topics: log.topics, strict: true })
        : contract === "Marketplace"
          ? decodeEventLog({ abi: marketplaceAbi, data: log.data, topics: log.topics, strict: true })
          : decodeEventLog({ abi: deviceRegistryAbi, data: log.data, topics: log.topics, strict: true });
  } catch {
    return null;
  }
  const args = toJsonArgs(decoded.args);
  return {
    contract,
    name: decoded.eventName,
    args,
    blockNumber: log.blockNumber,
    blockHash: log.blockHash,
    txHash: log.transactionHash,
    logIndex: log.logIndex,
    ...eventSubjects(decoded.eventName, args),
  };
}

function contractAt(address: Address, contracts: Deployment["contracts"]): ContractName | null {
  const lower = address.toLowerCase();
  if (lower === contracts.ProjectRegistry.toLowerCase()) return "ProjectRegistry";
  if (lower === contracts.DeviceRegistry.toLowerCase()) return "DeviceRegistry";
  if (lower === contracts.Marketplace.toLowerCase()) return "Marketplace";
  return null;
}

function toJsonArgs(args: unknown): JsonArgs {
  if (typeof args !== "object" || args === null || Array.isArray(args)) return {};
  const result: JsonArgs = {};
  for (const [key, value] of Object.entries(args)) {
    // viem decodes uint ≤ 48 bits (e.g. the Marketplace's uint16 fee) as number: store them like uint256, as decimal strings.
    if (typeof value === "bigint" || typeof value === "number") result[key] = value.toString();
    else if (typeof value === "string" || typeof value === "boolean") result[key] = value;
    else throw new Error(`Unexpected ${typeof value} event argument ${key}`);
  }
  return result;
}

/** The project and device an event concerns: the keys projections are rebuilt by. */
export function eventSubjects(name: string, args: JsonArgs): { projectOnchainId: bigint | null; device: string | null } {
  const projectId = typeof args.projectId === "string" ? BigInt(args.projectId) : null;
  let device: string | null = null;
  if (typeof args.device === "string") device = args.device.toLowerCase();
  else if ((name === "Transfer" || name === "Approval" || name.startsWith("Device")) && typeof args.tokenId === "string") {
    // ERC-721 events and the Marketplace's DeviceListed/DeviceSold/DeviceListingCancelled name the device by token id.
    device = tokenIdToDevice(BigInt(args.tokenId));
  }
  return { projectOnchainId: projectId, device };
}

// ---------------------------------------------------------------------------------------------------------
// Stored events → typed events the projections fold
// ---------------------------------------------------------------------------------------------------------

const uint = z.string().regex(/^\d+$/).transform((value) => BigInt(value));
const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }), "not an address")
  .transform((value) => getAddress(value));
const bytes32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/).transform((value) => value as Hex);

const projectionEventSchemas = {
  ProjectCreated: z.object({ projectId: uint, admin: address, name: z.string(), metadataURI: z.string(), rewardToken: address }),
  ProjectMetadataUpdated: z.object({ projectId: uint, name: z.string(), metadataURI: z.string(), rewardToken: address }),
  ProjectAdminTransferred: z.object({ projectId: uint, previousAdmin: address, newAdmin: address }),
  OperatorAdded: z.object({ projectId: uint, operator: address }),
  OperatorRemoved: z.object({ projectId: uint, operator: address }),
  DeviceRegistered: z.object({ device: address, projectId: uint, model: bytes32, claimKey: address, registeredBy: address }),
  DeviceActiveSet: z.object({ device: address, projectId: uint, active: z.boolean(), setBy: address }),
  DeviceClaimed: z.object({ device: address, owner: address, projectId: uint, nonce: uint }),
  DeviceReleased: z.object({ device: address, previousOwner: address, projectId: uint }),
  Transfer: z.object({ from: address, to: address, tokenId: uint }),
  // Marketplace (lib/market/order-fold.ts folds these into MarketOrder rows).
  OrderCreated: z.object({
    orderId: uint,
    buyer: address,
    seller: address,
    listingId: bytes32,
    token: address,
    pricePerUnit: uint,
    totalUnits: uint,
    expiresAt: uint,
    feeBps: uint,
    gracePeriod: uint,
  }),
  DeliveryAttested: z.object({ orderId: uint, units: uint, deliveredUnits: uint, sellerAmount: uint, fee: uint }),
  OrderCompleted: z.object({ orderId: uint }),
  OrderRefunded: z.object({ orderId: uint, buyer: address, amount: uint }),
  DeviceSold: z.object({ tokenId: uint, seller: address, buyer: address, token: address, price: uint, fee: uint }),
} as const;

type Schemas = typeof projectionEventSchemas;
/** An event that changes a projection, with typed arguments. */
export type ProjectionEvent = {
  [Name in keyof Schemas]: EventPosition & { name: Name; args: z.infer<Schemas[Name]> };
}[keyof Schemas];

export interface StoredEvent extends EventPosition {
  name: string;
  args: unknown;
}

/**
 * Types a stored event for the fold; null for events no projection uses
 * (Approval, ApprovalForAll). Throws on malformed arguments of a known event:
 * the log is ours, so that is a bug, not input to skip.
 */
export function toProjectionEvent(stored: StoredEvent): ProjectionEvent | null {
  if (!isProjectionEventName(stored.name)) return null;
  const parsed = projectionEventSchemas[stored.name].safeParse(stored.args);
  if (!parsed.success) throw new Error(`Malformed ${stored.name} arguments at block ${stored.blockNumber}: ${parsed.error.message}`);
  const position = { blockNumber: stored.blockNumber, logIndex: stored.logIndex, blockTime: stored.blockTime };
  return { ...position, name: stored.name, args: parsed.data } as ProjectionEvent;
}

function isProjectionEventName(name: string): name is keyof Schemas {
  return Object.hasOwn(projectionEventSchemas, name);
}
