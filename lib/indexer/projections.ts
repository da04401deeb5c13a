import "server-only";
import type { Prisma } from "../db/generated/client";
import { toProjectionEvent, type ProjectionEvent } from "./events";
import { foldDevice, foldProject, type DeviceProjection, type ProjectProjection } from "./fold";
import { withdrawListingsOfDepartedDevices } from "../market/ownership";
import { marketSubjectsOf, rebuildMarketProjections, type MarketSubjects } from "../market/projection";

type Tx = Prisma.TransactionClient;

/** Projects (on-chain ids) and devices (lowercase addresses) whose projections must be recomputed. */
export interface Subjects {
  projects: Set<bigint>;
  devices: Set<string>;
  /** Marketplace orders and sold devices (lib/market/projection.ts). */
  market: MarketSubjects;
}

export function subjectsOf(events: Iterable<{ projectOnchainId: bigint | null; device: string | null; contract: string; name: string; args: unknown }>): Subjects {
  const list = [...events];
  const subjects: Subjects = { projects: new Set(), devices: new Set(), market: marketSubjectsOf(list) };
  for (const event of list) {
    if (event.contract === "ProjectRegistry" && event.projectOnchainId !== null) subjects.projects.add(event.projectOnchainId);
    if (event.contract === "DeviceRegistry" && event.device !== null) subjects.devices.add(event.device);
  }
  return subjects;
}

// Keeps each query well under PostgreSQL's 65,535 bind parameters.
const CHUNK = 5_000;

function chunks<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) result.push(items.slice(i, i + CHUNK));
  return result;
}

/**
 * Recomputes the projections of `subjects` from the cursor's event log: a
 * subject's row is a fold of all its stored events, so applying a batch and
 * undoing a reorg are the same operation (after inserting or deleting the
 * events). Costs one replay per touched project/device; cheap at our scale.
 */
export async function rebuildProjections(tx: Tx, cursor: { id: number; chainId: number }, subjects: Subjects): Promise<void> {
  const projects = await foldSubjects(tx, cursor.id, "ProjectRegistry", [...subjects.projects], (event) => event.projectOnchainId, foldProject);
  const devices = await foldSubjects(tx, cursor.id, "DeviceRegistry", [...subjects.devices], (event) => event.device, foldDevice);

  // Order matters for the foreign key: projects exist before their devices, devices go before their project.
  for (const project of projects.values()) if (project) await writeProject(tx, cursor.chainId, project);
  const goneDevices = [...devices].filter(([, device]) => !device).map(([address]) => address);
  for (const batch of chunks(goneDevices)) await tx.device.deleteMany({ where: { address: { in: batch } } });
  await writeDevices(tx, cursor.chainId, [...devices.values()].filter((device): device is DeviceProjection => device !== null));
  const goneProjects = [...projects].filter(([, project]) => !project).map(([onchainId]) => onchainId);
  if (goneProjects.length > 0) await tx.project.deleteMany({ where: { chainId: cursor.chainId, onchainId: { in: goneProjects } } });
  await rebuildMarketProjections(tx, cursor, subjects.market);
  // After the owners are rewritten: a sold or transferred device takes its seller's listings off the market.
  await withdrawListingsOfDepartedDevices(tx, [...subjects.devices]);
}

async function foldSubjects<Key extends bigint | string, Projection>(
  tx: Tx,
  cursorId: number,
  contract: "ProjectRegistry" | "DeviceRegistry",
  keys: Key[],
  keyOf: (row: { projectOnchainId: bigint | null; device: string | null }) => bigint | string | null,
  fold: (events: ProjectionEvent[]) => Projection | null,
): Promise<Map<Key, Projection | null>> {
  const grouped = new Map<Key, ProjectionEvent[]>(keys.map((key) => [key, []]));
  for (const batch of chunks(keys)) {
    const where =
      contract === "ProjectRegistry"
        ? { cursorId, contract, projectOnchainId: { in: batch as bigint[] } }
        : { cursorId, contract, device: { in: batch as string[] } };
    const rows = await tx.chainEvent.findMany({
      where,
      select: { name: true, args: true, blockNumber: true, logIndex: true, blockTime: true, projectOnchainId: true, device: true },
      orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }],
    });
    for (const row of rows) {
      const event = toProjectionEvent(row);
      const key = keyOf(row) as Key | null;
      if (event && key !== null) grouped.get(key)?.push(event);
    }
  }
  return new Map([...grouped].map(([key, events]) => [key, fold(events)]));
}

async function writeProject(tx: Tx, chainId: number, project: ProjectProjection): Promise<void> {
  const fields = {
    name: project.name,
    metadataUri: project.metadataUri,
    adminAddress: project.admin,
    rewardToken: project.rewardToken,
    createdBlock: project.createdBlock,
    createdAt: project.createdAt,
  };
  const key = { chainId_onchainId: { chainId, onchainId: project.onchainId } };
  const existing = await tx.project.findUnique({ where: key, select: { id: true } });
  const { id } = existing
    ? await tx.project.update({ where: key, data: fields, select: { id: true } })
    : await tx.project.create({ data: { ...fields, chainId, onchainId: project.onchainId, slug: await freeSlug(tx, chainId, project) }, select: { id: true } });
  await tx.projectOperator.deleteMany({ where: { projectId: id } });
  if (project.operators.length > 0) await tx.projectOperator.createMany({ data: project.operators.map((address) => ({ projectId: id, address })) });
}

/** "<name>-<id>", or "<name>-<chain>-<id>" if another chain's project took that; set once, then off-chain. */
async function freeSlug(tx: Tx, chainId: number, project: ProjectProjection): Promise<string> {
  const base = project.nameAtCreation.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 48) || "project";
  const short = `${base}-${project.onchainId}`;
  const taken = await tx.project.findUnique({ where: { slug: short }, select: { id: true } });
  return taken ? `${base}-${chainId}-${project.onchainId}` : short;
}

async function writeDevices(tx: Tx, chainId: number, devices: DeviceProjection[]): Promise<void> {
  if (devices.length === 0) return;
  const onchainIds = [...new Set(devices.map((device) => device.projectOnchainId))];
  const projects = await tx.project.findMany({ where: { chainId, onchainId: { in: onchainIds } }, select: { id: true, onchainId: true } });
  const projectIds = new Map(projects.map((project) => [project.onchainId, project.id]));
  const rows = devices.map((device) => {
    const projectId = projectIds.get(device.projectOnchainId);
    // The contract only registers devices under existing projects, so this is an indexer bug.
    if (projectId === undefined) throw new Error(`Device ${device.address} belongs to project #${device.projectOnchainId}, which is not indexed`);
    return {
      address: device.address,
      projectId,
      model: device.model,
      claimKey: device.claimKey,
      active: device.active,
      ownerAddress: device.owner,
      nonce: device.nonce,
      claimedAt: device.claimedAt?.toISOString() ?? null,
      registeredBlock: device.registeredBlock.toString(),
      registeredAt: device.registeredAt.toISOString(),
    };
  });
  // One statement per chunk instead of one upsert per device (a registration batch can hold hundreds).
  // serial is off-chain: never touched here. Timestamps are UTC, as Prisma stores them.
  for (const batch of chunks(rows)) {
    await tx.$executeRaw`
      INSERT INTO "Device" ("address", "projectId", "model", "claimKey", "active", "ownerAddress", "nonce", "claimedAt", "registeredBlock", "registeredAt")
      SELECT "address", "projectId", "model", "claimKey", "active", "ownerAddress", "nonce", "claimedAt", "registeredBlock", "registeredAt"
      FROM jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) AS d(
        "address" text, "projectId" int, "model" text, "claimKey" text, "active" boolean, "ownerAddress" text,
        "nonce" int, "claimedAt" timestamp(3), "registeredBlock" bigint, "registeredAt" timestamp(3))
      ON CONFLICT ("address") DO UPDATE SET
        "projectId" = EXCLUDED."projectId", "model" = EXCLUDED."model", "claimKey" = EXCLUDED."claimKey",
        "active" = EXCLUDED."active", "ownerAddress" = EXCLUDED."ownerAddress", "nonce" = EXCLUDED."nonce",
        "claimedAt" = EXCLUDED."claimedAt", "registeredBlock" = EXCLUDED."registeredBlock", "registeredAt" = EXCLUDED."registeredAt"`;
  }
}
