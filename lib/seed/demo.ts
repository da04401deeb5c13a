import "server-only";
import { createPublicClient, createWalletClient, http, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { projectRegistryAbi } from "../chain/abi.generated";
import type { Deployment } from "../chain/deploy";
import type { PrismaClient } from "../db/generated/client";
import { registerDevicesInBatches } from "../chain/register-devices";
import { ChainIndexer } from "../indexer";
import { seedDemoRewards } from "../rewards/demo";
import { demoDevices } from "./demo-fleet";

export const DEMO_PROJECT_SLUG = "demo";
const DEMO_PROJECT_NAME = "DePIN Hub Demo";

interface SeedOptions {
  db: PrismaClient;
  rpcUrl: string;
  deployment: Deployment;
  adminPrivateKey: Hex;
  log: (message: string) => void;
}

/**
 * Creates the demo project and registers its devices on-chain, once per chain.
 * The chain indexer is the only writer of on-chain state in the database: the
 * seed catches the index up (so the rows exist before the worker starts) and
 * then writes only off-chain fields, the "demo" slug and the serials. Every
 * step is idempotent, so a re-run completes a half-finished seed.
 */
export async function seedDemo({ db, rpcUrl, deployment, adminPrivateKey, log }: SeedOptions): Promise<void> {
  const admin = privateKeyToAccount(adminPrivateKey);
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
  const { ProjectRegistry, DeviceRegistry } = deployment.contracts;
  // No confirmations: the seed must see its own blocks now. The seed runs on the local chain by
  // default, and the indexer's block-hash check still undoes anything a reorg removes later.
  const indexer = new ChainIndexer({ rpcUrl, deployment, confirmations: 0, batchBlocks: 1000, log });
  await indexer.catchUp(db);

  let project = await findIndexedDemoProject(db, deployment.chainId, admin.address);
  if (!project) {
    const { request } = await publicClient.simulateContract({
      account: admin,
      address: ProjectRegistry,
      abi: projectRegistryAbi,
      functionName: "createProject",
      args: [DEMO_PROJECT_NAME, "", zeroAddress],
    });
    await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    await indexer.catchUp(db);
    project = await findIndexedDemoProject(db, deployment.chainId, admin.address);
    if (!project) throw new Error("The demo project was created on-chain but the indexer did not record it");
  }
  const projectOnchainId = project.onchainId;
  if (projectOnchainId === null) throw new Error("unreachable: indexed projects have an on-chain id");

  const devices = demoDevices();
  const known = new Set((await db.device.findMany({ where: { address: { in: devices.map((d) => d.address.toLowerCase()) } }, select: { address: true } })).map((d) => d.address));
  const missing = devices.filter((device) => !known.has(device.address.toLowerCase()));
  if (missing.length > 0) {
    await registerDevicesInBatches({ publicClient, walletClient, registry: DeviceRegistry, projectId: projectOnchainId, devices: missing });
    await indexer.catchUp(db);
  }

  await db.$transaction(async (tx) => {
    // A stale row may hold the slug (e.g. from before the indexer existed): move it aside.
    await tx.project.updateMany({ where: { slug: DEMO_PROJECT_SLUG, id: { not: project.id } }, data: { slug: `${DEMO_PROJECT_SLUG}-old-${Date.now()}` } });
    await tx.project.update({ where: { id: project.id }, data: { slug: DEMO_PROJECT_SLUG } });
    for (const device of devices) {
      await tx.device.updateMany({ where: { address: device.address.toLowerCase() }, data: { serial: device.serial } });
    }
  });
  log(await seedDemoRewards({ db, publicClient, walletClient, deployment, projectId: project.id, projectOnchainId }));
  log(missing.length === 0 ? `demo project #${projectOnchainId} already seeded` : `seeded demo project #${projectOnchainId} with ${missing.length} registered device(s)`);
}

/** The demo project as indexed: created by the seeding admin under the demo name (the first, if several). */
function findIndexedDemoProject(db: PrismaClient, chainId: number, adminAddress: Address) {
  return db.project.findFirst({
    where: { chainId, onchainId: { not: null }, name: DEMO_PROJECT_NAME, adminAddress },
    orderBy: { onchainId: "asc" },
  });
}
