import { randomBytes } from "node:crypto";
import type pg from "pg";
import { getAddress, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { chainAt, type LocalChain } from "../../../scripts/lib/e2e-epoch";
export { fundRewardPool } from "../../../scripts/lib/e2e-epoch";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi } from "../../../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import type { Deployment } from "../../../lib/chain/deployments";
import type { PrismaClient } from "../../../lib/db/create-client";
import { claimTypedData } from "../../../lib/devices/claim-typed-data";
import type { DistributorClients } from "../../../lib/proofs/distributor";
import { HOUR_MS } from "../../../lib/aggregates";
import { processHour } from "../../../lib/processing/process-hour";
import { epochWindow } from "../../../lib/rewards/epoch";
import { hoursReadBy } from "../../../lib/rewards/readiness";
import { postTelemetry, signed, testHttpDeps, wire, type TestDevice } from "../ingest/helpers";

/**
 * The shared setup of the reward tests: a project on-chain and in the database with registered (and optionally
 * claimed) devices, their readings in a closed epoch, and a funded reward pool. Each test passes its own chain and
 * database, so tests with an anvil or PostgreSQL of their own (reliability/) use the same setup.
 */

export const EPOCH_SECONDS = 600;
export const POLICY = { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" };
export const POOL_FUNDS = 10n ** 21n;

/** The last finished epoch: inside the ingest clock window (readings up to 24 h old are accepted). */
export function lastClosedEpoch(epochSeconds = EPOCH_SECONDS) {
  const epoch = Math.floor(Date.now() / 1000 / epochSeconds) - 1;
  return { epoch, ...epochWindow(epoch, epochSeconds) };
}

export interface RewardChain extends LocalChain {
  /** The project admin (anvil's first dev account, also the deployer) signing distributor calls. */
  clients: DistributorClients;
  /** A write as the project admin that throws unless it is mined successfully. */
  send(request: Parameters<LocalChain["adminClient"]["writeContract"]>[0]): Promise<void>;
  balanceOf(account: Address): Promise<bigint>;
}

export function rewardChain(rpcUrl: string, deployment: Deployment): RewardChain {
  const chain = chainAt(rpcUrl, deployment, privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY));
  return {
    ...chain,
    clients: { publicClient: chain.publicClient, walletClient: chain.adminClient, address: deployment.contracts.RewardDistributor },
    send: (request) => chain.write(chain.adminClient, request),
    balanceOf: (account) => chain.publicClient.readContract({ address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "balanceOf", args: [account] }),
  };
}

export function newTestDevice(): TestDevice {
  const privateKey = generatePrivateKey();
  return { privateKey, address: privateKeyToAccount(privateKey).address.toLowerCase() as Hex };
}

export interface RewardProject {
  projectId: number;
  onchainProjectId: bigint;
  devices: TestDevice[];
}

/**
 * Creates the project on-chain (rewards in RewardToken) and in the database, registers `devices` fresh devices in
 * both, and claims the first `claimedBy.count` of them for `claimedBy.owner` (recorded as their owner, as the
 * indexer would).
 */
export async function createRewardProject(
  db: PrismaClient,
  chain: RewardChain,
  options: { name: string; slug: string; devices: number; claimedBy?: { owner: Address; count: number } },
): Promise<RewardProject> {
  const { deployment, publicClient, admin } = chain;
  const { request, result: onchainProjectId } = await publicClient.simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: [options.name, `ipfs://${options.slug}`, deployment.contracts.RewardToken],
  });
  await chain.send(request);
  const devices = Array.from({ length: options.devices }, newTestDevice);
  await chain.send({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [onchainProjectId, devices.map((d) => ({ device: getAddress(d.address), model: stringToHex("AQ", { size: 32 }), claimKey: zeroAddress }))],
  });
  const claimed = devices.slice(0, options.claimedBy?.count ?? 0);
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  for (const device of claimed) {
    const owner = options.claimedBy!.owner;
    const signature = await privateKeyToAccount(device.privateKey).signTypedData(
      claimTypedData({ chainId: deployment.chainId, registry: deployment.contracts.DeviceRegistry, owner, device: getAddress(device.address), nonce: 0n, deadline }),
    );
    await chain.send({ chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [getAddress(device.address), owner, deadline, signature] });
  }
  const project = await db.project.create({
    data: { chainId: deployment.chainId, onchainId: onchainProjectId, slug: `${options.slug}-${randomBytes(6).toString("hex")}`, name: options.name, adminAddress: admin.address },
  });
  await db.device.createMany({
    data: devices.map((d, i) => ({ address: d.address, projectId: project.id, model: "AQ", registeredBlock: BigInt(i + 1), ownerAddress: i < claimed.length ? options.claimedBy!.owner : null })),
  });
  return { projectId: project.id, onchainProjectId, devices };
}

/** Offsets into a window: one reading a minute for `minutes` minutes, `atMs` into each minute. */
export const everyMinute = (minutes: number, atMs: number): number[] => Array.from({ length: minutes }, (_, minute) => minute * 60_000 + atMs);

/** Each device's readings at these offsets from `windowStart` (sequences 1, 2, …), accepted over HTTP ingest. */
export async function sendReadings(pool: pg.Pool, windowStart: Date, readings: ReadonlyArray<{ device: TestDevice; offsetsMs: readonly number[] }>): Promise<void> {
  const messages = [];
  for (const { device, offsetsMs } of readings) {
    for (const [i, offset] of offsetsMs.entries()) messages.push(await signed(device, i + 1, { timestamp: windowStart.getTime() + offset }));
  }
  const response = await postTelemetry(testHttpDeps(pool), wire(messages));
  if (response.status !== 200) throw new Error(`telemetry refused: ${response.status} ${await response.text()}`);
}

/**
 * What the worker's hourly job does before the reward job closes the epochs of [windowStart, windowEnd)
 * (lib/rewards/readiness.ts): computes every hour their inputs read.
 */
export async function processEpochHours(db: PrismaClient, windowStart: Date, windowEnd: Date): Promise<void> {
  const { from, until } = hoursReadBy({ windowStart, windowEnd });
  for (let hour = from.getTime(); hour < until.getTime(); hour += HOUR_MS) await processHour(db, new Date(hour));
}
