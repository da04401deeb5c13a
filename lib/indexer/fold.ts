import "server-only";
import { zeroAddress, type Address } from "viem";
import type { EventPosition, ProjectionEvent } from "./events";
import { decodeModel } from "./model";

/** A project as its ProjectRegistry events leave it. */
export interface ProjectProjection {
  onchainId: bigint;
  name: string;
  /** The name in ProjectCreated: the slug comes from it, whatever batch the row is first written in. */
  nameAtCreation: string;
  metadataUri: string;
  admin: Address;
  rewardToken: Address | null;
  /** Sorted, checksummed. */
  operators: Address[];
  createdBlock: bigint;
  createdAt: Date;
}

/** A device as its DeviceRegistry events leave it. */
export interface DeviceProjection {
  /** Lowercase, like Device.address. */
  address: string;
  projectOnchainId: bigint;
  model: string;
  claimKey: Address | null;
  active: boolean;
  owner: Address | null;
  /** Claims so far: the nonce the next claim signature must use. */
  nonce: number;
  /** Block time of the claim that minted the current token. */
  claimedAt: Date | null;
  registeredBlock: bigint;
  registeredAt: Date;
}

/** Chain order: block, then position in the block. */
export function compareEvents(a: EventPosition, b: EventPosition): number {
  if (a.blockNumber !== b.blockNumber) return a.blockNumber < b.blockNumber ? -1 : 1;
  return a.logIndex - b.logIndex;
}

const nonZero = (account: Address): Address | null => (account === zeroAddress ? null : account);

/**
 * Replays one project's events (in any order; sorted here) into its state.
 * Null when the project's ProjectCreated is not among them (e.g. reorged out).
 */
export function foldProject(events: readonly ProjectionEvent[]): ProjectProjection | null {
  let project: ProjectProjection | null = null;
  const operators = new Set<Address>();
  for (const event of [...events].sort(compareEvents)) {
    if (event.name === "ProjectCreated") {
      const { projectId, admin, name, metadataURI, rewardToken } = event.args;
      project = { onchainId: projectId, name, nameAtCreation: name, metadataUri: metadataURI, admin, rewardToken: nonZero(rewardToken), operators: [], createdBlock: event.blockNumber, createdAt: event.blockTime };
      operators.clear();
      continue;
    }
    if (!project) continue;
    switch (event.name) {
      case "ProjectMetadataUpdated":
        project = { ...project, name: event.args.name, metadataUri: event.args.metadataURI, rewardToken: nonZero(event.args.rewardToken) };
        break;
      case "ProjectAdminTransferred":
        project = { ...project, admin: event.args.newAdmin };
        break;
      case "OperatorAdded":
        operators.add(event.args.operator);
        break;
      case "OperatorRemoved":
        operators.delete(event.args.operator);
        break;
      default:
        break;
    }
  }
  return project && { ...project, operators: [...operators].sort() };
}

/**
 * Replays one device's events (DeviceRegistry events and its token's Transfers)
 * into its state. Null when its DeviceRegistered is not among them.
 */
export function foldDevice(events: readonly ProjectionEvent[]): DeviceProjection | null {
  let device: DeviceProjection | null = null;
  for (const event of [...events].sort(compareEvents)) {
    if (event.name === "DeviceRegistered") {
      const { device: address, projectId, model, claimKey } = event.args;
      device = {
        address: address.toLowerCase(),
        projectOnchainId: projectId,
        model: decodeModel(model),
        claimKey: nonZero(claimKey),
        active: true,
        owner: null,
        nonce: 0,
        claimedAt: null,
        registeredBlock: event.blockNumber,
        registeredAt: event.blockTime,
      };
      continue;
    }
    if (!device) continue;
    switch (event.name) {
      case "DeviceActiveSet":
        device = { ...device, active: event.args.active };
        break;
      case "DeviceClaimed":
        // The event carries the nonce the signature used; the contract then bumped it.
        device = { ...device, owner: event.args.owner, nonce: Number(event.args.nonce) + 1, claimedAt: event.blockTime };
        break;
      case "DeviceReleased":
        device = { ...device, owner: null, claimedAt: null };
        break;
      case "Transfer":
        // Mint (claim), burn (release) and owner-to-owner transfers alike: the token's holder is the owner.
        device = { ...device, owner: nonZero(event.args.to) };
        if (event.args.to === zeroAddress) device.claimedAt = null;
        break;
      default:
        break;
    }
  }
  return device;
}
