import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  createPublicClient,
  createWalletClient,
  http,
  stringToHex,
  zeroAddress,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { deviceRegistryAbi, projectRegistryAbi } from "../../../lib/chain/abi.generated";
import { claimTypedData } from "../../../lib/devices/claim-typed-data";
import { ensureDeployed, LOCAL_DEV_PRIVATE_KEY, type Deployment } from "../../../lib/chain/deploy";
import { createDbClient, type PrismaClient } from "../../../lib/db/create-client";
import { createTemporaryDatabase, withClient, type TemporaryDatabase } from "../../../lib/db/embedded";
import { defaultPrismaPaths } from "../../../lib/db/migrate";
import { ChainIndexer, type ChainIndexerOptions } from "../../../lib/indexer";
import { anvilPool, tempDir } from "../chain/helpers";


export interface IndexerHarness {
  rpcUrl: string;
  deployment: Deployment;
  db: PrismaClient;
  databaseUrl: string;
  chain: ChainActions;
  /** A new indexer for this chain and database (as a restarted worker would create). */
  indexer(options?: Partial<ChainIndexerOptions>): ChainIndexer;
  /** Raw JSON-RPC (anvil_* methods). */
  rpc(method: string, params?: unknown[]): Promise<unknown>;
  /** A new account with 100 ETH for gas (device owners that send transfers and releases). */
  fundedAccount(): Promise<PrivateKeyAccount>;
  stop(): Promise<void>;
}

/**
 * A dedicated anvil with freshly deployed contracts and a dedicated, migrated
 * database on the shared PostgreSQL server: reorgs and exact event counts
 * must not see other test files' chains or rows.
 */
export async function startIndexerHarness(sharedDatabaseUrl: string): Promise<IndexerHarness> {
  const anvils = anvilPool();
  const dir = tempDir();
  const adminUrl = new URL(sharedDatabaseUrl);
  adminUrl.pathname = "/postgres";
  const database = await migratedDatabase(adminUrl.toString());
  const db = createDbClient(database.url);
  try {
    const { rpcUrl } = await anvils.start();
    const deployment = await ensureDeployed({ rpcUrl, deploymentsFile: join(dir.path, "deployments.json") });
    const rpc = async (method: string, params: unknown[] = []) => {
      const response = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      const body = (await response.json()) as { result?: unknown; error?: { message: string } };
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return body.result;
    };
    return {
      rpcUrl,
      deployment,
      db,
      databaseUrl: database.url,
      chain: chainActions(rpcUrl, deployment),
      indexer: (options = {}) => new ChainIndexer({ rpcUrl, deployment, confirmations: 0, batchBlocks: 1000, ...options }),
      rpc,
      fundedAccount: async () => {
        const account = privateKeyToAccount(generatePrivateKey());
        await rpc("anvil_setBalance", [account.address, "0x56bc75e2d63100000"]);
        return account;
      },
      stop: async () => {
        await db.$disconnect();
        await anvils.stopAll();
        await database.drop();
        dir.remove();
      },
    };
  } catch (error) {
    await db.$disconnect();
    await anvils.stopAll();
    await database.drop();
    dir.remove();
    throw error;
  }
}

/**
 * A fresh database with the committed migrations applied as plain SQL. Not
 * through applyMigrations: lib/db/schema-engine.ts initialises Prisma's WASM
 * engine once per module instance, vitest re-evaluates that module in every
 * test file of a reused worker while the WASM bindings stay loaded, and a
 * second initialisation in one process hangs every later applyMigrations
 * (including db/migrations.test.ts's).
 */
export async function migratedDatabase(adminUrl: string): Promise<TemporaryDatabase> {
  const database = await createTemporaryDatabase(adminUrl, "indexer");
  try {
    const migrations = (await readdir(defaultPrismaPaths.migrationsDir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
    await withClient(database.url, async (client) => {
      for (const name of migrations) await client.query(await readFile(join(defaultPrismaPaths.migrationsDir, name, "migration.sql"), "utf8"));
    });
    return database;
  } catch (error) {
    await database.drop();
    throw error;
  }
}


export type ChainActions = ReturnType<typeof chainActions>;

/** Contract calls as the tests need them; each resolves with the mined receipt. */
function chainActions(rpcUrl: string, deployment: Deployment) {
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
  const { ProjectRegistry, DeviceRegistry } = deployment.contracts;

  async function send(account: PrivateKeyAccount, call: { address: Address; abi: typeof projectRegistryAbi | typeof deviceRegistryAbi; functionName: string; args: readonly unknown[] }): Promise<TransactionReceipt> {
    const wallet = createWalletClient({ account, transport: http(rpcUrl) });
    // simulate first so a revert surfaces with its decoded error instead of a mined failure
    const { request } = await publicClient.simulateContract({ ...call, account } as Parameters<typeof publicClient.simulateContract>[0]);
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
    if (receipt.status !== "success") throw new Error(`${call.functionName} failed`);
    return receipt;
  }

  return {
    admin,
    publicClient,
    async createProject(name: string, metadataUri = "", from = admin): Promise<bigint> {
      const before = await publicClient.readContract({ address: ProjectRegistry, abi: projectRegistryAbi, functionName: "projectCount" });
      await send(from, { address: ProjectRegistry, abi: projectRegistryAbi, functionName: "createProject", args: [name, metadataUri, zeroAddress] });
      return before + 1n;
    },
    updateMetadata: (projectId: bigint, name: string, metadataUri: string, rewardToken: Address = zeroAddress) =>
      send(admin, { address: ProjectRegistry, abi: projectRegistryAbi, functionName: "updateMetadata", args: [projectId, name, metadataUri, rewardToken] }),
    addOperator: (projectId: bigint, operator: Address) => send(admin, { address: ProjectRegistry, abi: projectRegistryAbi, functionName: "addOperator", args: [projectId, operator] }),
    removeOperator: (projectId: bigint, operator: Address) => send(admin, { address: ProjectRegistry, abi: projectRegistryAbi, functionName: "removeOperator", args: [projectId, operator] }),
    transferAdmin: (projectId: bigint, newAdmin: Address, from = admin) => send(from, { address: ProjectRegistry, abi: projectRegistryAbi, functionName: "transferAdmin", args: [projectId, newAdmin] }),
    /** Registers fresh devices; returns their keys and addresses. */
    async registerDevices(projectId: bigint, count: number, model = "AQ-Tracker v2", claimKey: Address = zeroAddress) {
      const devices = Array.from({ length: count }, () => {
        const key = generatePrivateKey();
        return { key, address: privateKeyToAccount(key).address };
      });
      const receipt = await send(admin, {
        address: DeviceRegistry,
        abi: deviceRegistryAbi,
        functionName: "registerDevices",
        args: [projectId, devices.map((d) => ({ device: d.address, model: stringToHex(model, { size: 32 }), claimKey }))],
      });
      return { devices, receipt };
    },
    setActive: (device: Address, active: boolean) => send(admin, { address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "setDeviceActive", args: [device, active] }),
    /** The device key signs an EIP-712 claim for `owner`; the admin relays it. */
    async claim(device: { key: Hex; address: Address }, owner: Address): Promise<TransactionReceipt> {
      const info = await publicClient.readContract({ address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [device.address] });
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
      const signature = await privateKeyToAccount(device.key).signTypedData(claimTypedData({ chainId: deployment.chainId, registry: DeviceRegistry, owner, device: device.address, nonce: info.nonce, deadline }));
      return send(admin, { address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [device.address, owner, deadline, signature] });
    },
    transfer: (from: PrivateKeyAccount, to: Address, device: Address) =>
      send(from, { address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "transferFrom", args: [from.address, to, BigInt(device)] }),
    release: (owner: PrivateKeyAccount, device: Address) => send(owner, { address: DeviceRegistry, abi: deviceRegistryAbi, functionName: "release", args: [device] }),
    /** Every log the indexed contracts (registries and Marketplace) emitted, as the exactly-once reference. */
    async allLogs() {
      return publicClient.getLogs({ address: [ProjectRegistry, DeviceRegistry, deployment.contracts.Marketplace], fromBlock: BigInt(deployment.blockNumber), toBlock: "latest" });
    },
  };
}
