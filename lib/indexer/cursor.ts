import "server-only";
import type { Deployment } from "../chain/deployments";
import type { IndexerCursor, Prisma } from "../db/generated/client";

type Tx = Prisma.TransactionClient;

/** First key of the indexer's advisory lock (the second is the chain id): one indexer per chain at a time. */
const INDEXER_LOCK_CLASS = 0x1de7;

/**
 * Takes the chain's indexer lock for the rest of the transaction, or returns
 * false at once when another worker holds it. Transaction-scoped, so a crashed
 * worker's lock goes with its connection.
 */
export async function tryIndexerLock(tx: Tx, chainId: number): Promise<boolean> {
  const rows = await tx.$queryRaw<Array<{ locked: boolean }>>`SELECT pg_try_advisory_xact_lock(${INDEXER_LOCK_CLASS}::int4, ${chainId}::int4) AS locked`;
  return rows[0]?.locked === true;
}

function cursorKey(deployment: Deployment) {
  return {
    chainId: deployment.chainId,
    genesisHash: deployment.genesisHash.toLowerCase(),
    projectRegistry: deployment.contracts.ProjectRegistry.toLowerCase(),
    deviceRegistry: deployment.contracts.DeviceRegistry.toLowerCase(),
  };
}

/**
 * The deployment's cursor, created (at the deployment block) on first use.
 * Creating it retires everything indexed from another deployment on the same
 * chain (a fresh anvil, or redeployed contracts): the old cursor with its
 * events and block hashes, and the chain's on-chain projects and devices.
 */
export async function openCursor(tx: Tx, deployment: Deployment, log: (message: string) => void): Promise<IndexerCursor> {
  const key = cursorKey(deployment);
  const existing = await tx.indexerCursor.findUnique({ where: { chainId_genesisHash_projectRegistry_deviceRegistry: key } });
  if (existing) return existing;

  const onchainProjects = { chainId: deployment.chainId, onchainId: { not: null } };
  const devices = await tx.device.deleteMany({ where: { project: onchainProjects } });
  const projects = await tx.project.deleteMany({ where: onchainProjects });
  const cursors = await tx.indexerCursor.deleteMany({ where: { chainId: deployment.chainId } });
  if (cursors.count + projects.count + devices.count > 0) {
    log(`new deployment on chain ${deployment.chainId}: dropped ${cursors.count} old cursor(s), ${projects.count} project(s), ${devices.count} device(s) indexed before`);
  }
  const startBlock = BigInt(deployment.blockNumber);
  return tx.indexerCursor.create({ data: { ...key, startBlock, blockNumber: startBlock - 1n, blockHash: null } });
}
