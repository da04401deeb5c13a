import "server-only";
import { getAddress, type Address } from "viem";
import type { PrismaClient } from "@/lib/db/generated/client";
import { ForbiddenError, UnauthorizedError } from "@/lib/http/errors";

export type ProjectRole = "admin" | "operator";

export interface ProjectAccess {
  project: { id: number; onchainId: bigint; chainId: number; slug: string; name: string; metadataUri: string; adminAddress: Address; rewardToken: Address | null };
  role: ProjectRole;
  actor: Address;
}

/**
 * The one body for "no such project", "another chain's project" and "not
 * yours": a caller must not learn which projects exist by probing ids.
 */
export class ProjectAccessDenied extends ForbiddenError {
  constructor() {
    super("You are not an admin or operator of this project.", "project_forbidden");
  }
}

/** Route parameter → project id; anything that is not a positive integer is treated like a project you cannot see. */
export function parseProjectId(raw: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(raw)) throw new ProjectAccessDenied();
  const id = Number(raw);
  if (id > 2_147_483_647) throw new ProjectAccessDenied();
  return id;
}

/**
 * Every admin page and route goes through here: the signed-in wallet must be
 * the project's admin or one of its operators, as the chain index says
 * (Project.adminAddress, ProjectOperator), on the app's chain.
 */
export async function requireProjectAccess(
  db: PrismaClient,
  session: { address: string } | null,
  projectId: number,
  chainId: number,
): Promise<ProjectAccess> {
  if (!session) throw new UnauthorizedError();
  const actor = getAddress(session.address);
  const project = await db.project.findUnique({
    where: { id: projectId },
    include: { operators: { where: { address: { equals: actor, mode: "insensitive" } }, select: { address: true } } },
  });
  if (!project || project.chainId !== chainId || project.onchainId === null) throw new ProjectAccessDenied();
  const role: ProjectRole | null =
    project.adminAddress.toLowerCase() === actor.toLowerCase() ? "admin" : project.operators.length > 0 ? "operator" : null;
  if (!role) throw new ProjectAccessDenied();
  return {
    role,
    actor,
    project: {
      id: project.id,
      onchainId: project.onchainId,
      chainId: project.chainId,
      slug: project.slug,
      name: project.name,
      metadataUri: project.metadataUri,
      adminAddress: getAddress(project.adminAddress),
      rewardToken: project.rewardToken ? getAddress(project.rewardToken) : null,
    },
  };
}

export interface MyProject {
  id: number;
  onchainId: string;
  name: string;
  slug: string;
  role: ProjectRole;
  deviceCount: number;
}

/** Projects on `chainId` the wallet administers or operates, newest first. */
export async function myProjects(db: PrismaClient, address: Address, chainId: number): Promise<MyProject[]> {
  const rows = await db.project.findMany({
    where: {
      chainId,
      onchainId: { not: null },
      OR: [{ adminAddress: { equals: address, mode: "insensitive" } }, { operators: { some: { address: { equals: address, mode: "insensitive" } } } }],
    },
    include: { _count: { select: { devices: true } } },
    orderBy: { id: "desc" },
  });
  return rows.map((row) => ({
    id: row.id,
    onchainId: String(row.onchainId),
    name: row.name,
    slug: row.slug,
    role: row.adminAddress.toLowerCase() === address.toLowerCase() ? "admin" : "operator",
    deviceCount: row._count.devices,
  }));
}
