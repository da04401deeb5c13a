import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createPublicClient, createWalletClient, keccak256, type Abi, type Address, type Hex, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  demoTokenAbi,
  demoTokenBytecode,
  deviceRegistryAbi,
  deviceRegistryBytecode,
  poseidonT3Abi,
  poseidonT3Bytecode,
  marketplaceAbi,
  marketplaceBytecode,
  projectRegistryAbi,
  projectRegistryBytecode,
  rewardBatchVerifierAbi,
  rewardBatchVerifierBytecode,
  rewardDistributorAbi,
  rewardDistributorBytecode,
} from "./abi.generated";
import { ANVIL_CHAIN_ID } from "./anvil";
import { completeDeployment, CONTRACT_NAMES, readDeploymentsFile, type ContractName, type Deployment } from "./deployments";
import { chainTransport, type RpcEndpoints } from "./transport";

export type { Deployment } from "./deployments";

/** Anvil's first dev account (from its public default mnemonic). Only ever valid on a local chain. */
export const LOCAL_DEV_PRIVATE_KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

export interface EnsureDeployedOptions {
  /** One RPC URL or an ordered list (fallbacks, lib/chain/transport.ts). */
  rpcUrl: RpcEndpoints;
  /** Required on any chain but the local one (31337), where anvil's first dev account is used by default. */
  deployerPrivateKey?: Hex;
  /** JSON file of deployments keyed by chain id; created if missing. */
  deploymentsFile: string;
  log?: (message: string) => void;
}

/** What a contract's constructor may depend on: the deployer and the contracts deployed before it. */
interface DeployContext {
  deployer: Address;
  deployed: Partial<Record<ContractName, Address>>;
}

interface PlannedContract {
  name: ContractName;
  abi: Abi;
  bytecode: Hex;
  args: (context: DeployContext) => readonly unknown[];
}

/** Platform fee of a fresh Marketplace deployment: 2.5 % (the contract caps it at 10 %). */
export const MARKETPLACE_FEE_BPS = 250;
/**
 * Without an attestation for this long, an order's undelivered remainder becomes refundable. Feed deliveries are
 * attested once per day (lib/market/attestation.ts), so this must span a few days.
 */
export const MARKETPLACE_GRACE_PERIOD_SECONDS = 3 * 24 * 60 * 60;

/** Every contract in CONTRACT_NAMES, in deployment order (constructors take earlier addresses). */
const DEPLOY_PLAN: readonly PlannedContract[] = [
  { name: "ProjectRegistry", abi: projectRegistryAbi, bytecode: projectRegistryBytecode, args: () => [] },
  { name: "DeviceRegistry", abi: deviceRegistryAbi, bytecode: deviceRegistryBytecode, args: ({ deployed }) => [required(deployed, "ProjectRegistry")] },
  // Demo tokens (DemoToken.sol, minted by the deployer): what the demo project rewards in, and what the marketplace settles in.
  { name: "RewardToken", abi: demoTokenAbi, bytecode: demoTokenBytecode, args: ({ deployer }) => ["DePIN Hub Reward", "DHR", 18, deployer] },
  { name: "Stablecoin", abi: demoTokenAbi, bytecode: demoTokenBytecode, args: ({ deployer }) => ["Demo USD", "dUSD", 6, deployer] },
  // Rewards (docs/rewards.md): Poseidon for claim paths, the Groth16 verifier of circuits/reward_batch.circom, and the
  // distributor paying in RewardToken (each project funds its own pool with RewardDistributor.fund).
  { name: "PoseidonT3", abi: poseidonT3Abi, bytecode: poseidonT3Bytecode, args: () => [] },
  { name: "RewardBatchVerifier", abi: rewardBatchVerifierAbi, bytecode: rewardBatchVerifierBytecode, args: () => [] },
  {
    name: "RewardDistributor",
    abi: rewardDistributorAbi,
    bytecode: rewardDistributorBytecode,
    args: ({ deployed }) => [
      required(deployed, "ProjectRegistry"),
      required(deployed, "DeviceRegistry"),
      required(deployed, "RewardToken"),
      required(deployed, "RewardBatchVerifier"),
      required(deployed, "PoseidonT3"),
    ],
  },
  // Escrow for marketplace orders and device sales. The deployer owns it, receives fees and is the first attester
  // (the middleware signs with the deployer key); the stablecoin is its first payment token.
  {
    name: "Marketplace",
    abi: marketplaceAbi,
    bytecode: marketplaceBytecode,
    args: ({ deployer, deployed }) => [
      required(deployed, "DeviceRegistry"),
      deployer,
      deployer,
      MARKETPLACE_FEE_BPS,
      MARKETPLACE_GRACE_PERIOD_SECONDS,
      deployer,
      required(deployed, "Stablecoin"),
    ],
  },
];

const CURRENT_BYTECODE_HASHES = Object.fromEntries(DEPLOY_PLAN.map((entry) => [entry.name, keccak256(entry.bytecode)])) as Record<ContractName, Hex>;

function required(deployed: DeployContext["deployed"], name: ContractName): Address {
  const address = deployed[name];
  if (!address) throw new Error(`${name} must be deployed before the contracts that take its address`);
  return address;
}

/**
 * Returns the chain's deployment from `deploymentsFile` when it is still live,
 * otherwise deploys ProjectRegistry and DeviceRegistry and records them.
 *
 * "Still live" means: same genesis block (not a different chain that reuses
 * the chain id, e.g. a fresh anvil) and code at every recorded address (a fresh
 * anvil started in the same second has the same genesis hash but no code).
 * On the local chain, a recorded deployment whose bytecode differs from the
 * current build is replaced too, so editing a contract and restarting works.
 */
export async function ensureDeployed(options: EnsureDeployedOptions): Promise<Deployment> {
  const log = options.log ?? (() => undefined);
  const publicClient = createPublicClient({ transport: chainTransport(options.rpcUrl) });
  const chainId = await publicClient.getChainId();
  const genesis = await publicClient.getBlock({ blockNumber: 0n });
  if (!genesis.hash) throw new Error("Chain returned a genesis block without a hash");

  const entry = readDeploymentsFile(options.deploymentsFile)[String(chainId)];
  const recorded = completeDeployment(entry);
  if (entry && !recorded) log(`redeploying on chain ${chainId}: the recorded deployment lacks contracts added since`);
  if (recorded) {
    const reason = await whyNotReusable(publicClient, recorded, genesis.hash, chainId);
    if (!reason) {
      log(`reusing contracts on chain ${chainId}: ${describeContracts(recorded)}`);
      return recorded;
    }
    log(`redeploying on chain ${chainId}: ${reason}`);
  }

  const privateKey = options.deployerPrivateKey ?? (chainId === ANVIL_CHAIN_ID ? LOCAL_DEV_PRIVATE_KEY : undefined);
  if (!privateKey) throw new Error(`No deployer private key: set DEPLOYER_PRIVATE_KEY to deploy on chain ${chainId}`);

  const deployment = await deployContracts(publicClient, options.rpcUrl, privateKey, chainId, genesis.hash, log);
  writeDeployment(options.deploymentsFile, deployment);
  log(`deployed on chain ${chainId}: ${describeContracts(deployment)}`);
  return deployment;
}

function describeContracts(deployment: Deployment): string {
  return CONTRACT_NAMES.map((name) => `${name} ${deployment.contracts[name]}`).join(", ");
}

/** Null when `recorded` can be used as is; otherwise why it cannot. */
async function whyNotReusable(client: PublicClient, recorded: Deployment, genesisHash: Hex, chainId: number): Promise<string | null> {
  if (recorded.genesisHash.toLowerCase() !== genesisHash.toLowerCase()) return "the chain's genesis block changed";
  for (const [name, address] of Object.entries(recorded.contracts)) {
    const code = await client.getCode({ address });
    if (!code || code === "0x") return `no code at the recorded ${name} address ${address}`;
  }
  if (chainId === ANVIL_CHAIN_ID && !sameBytecode(recorded)) return "the contracts changed since they were deployed";
  return null;
}

function sameBytecode(recorded: Deployment): boolean {
  const hashes = recorded.bytecodeHashes;
  return CONTRACT_NAMES.every((name) => hashes?.[name] === CURRENT_BYTECODE_HASHES[name]);
}

async function deployContracts(
  publicClient: PublicClient,
  rpcUrl: RpcEndpoints,
  privateKey: Hex,
  chainId: number,
  genesisHash: Hex,
  log: (message: string) => void,
): Promise<Deployment> {
  const account = privateKeyToAccount(privateKey);
  const walletClient = createWalletClient({ account, transport: chainTransport(rpcUrl) });
  log(`deploying from ${account.address} on chain ${chainId}`);

  // Sequential on purpose: constructors take the addresses of contracts deployed before them.
  const deployed: Partial<Record<ContractName, Address>> = {};
  let firstBlock: bigint | undefined;
  for (const entry of DEPLOY_PLAN) {
    const hash = await walletClient.deployContract({ abi: entry.abi, bytecode: entry.bytecode, args: entry.args({ deployer: account.address, deployed }), chain: null });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    deployed[entry.name] = deployedAddress(receipt, entry.name);
    firstBlock ??= receipt.blockNumber;
  }

  return {
    chainId,
    genesisHash,
    deployedAt: new Date().toISOString(),
    blockNumber: (firstBlock ?? 0n).toString(),
    contracts: deployed as Record<ContractName, Address>,
    bytecodeHashes: { ...CURRENT_BYTECODE_HASHES },
  };
}

function deployedAddress(receipt: { status: string; contractAddress?: Address | null }, name: ContractName): Address {
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`Deploying ${name} failed (status ${receipt.status})`);
  return receipt.contractAddress;
}

/** Adds or replaces the chain's entry; temp file + rename so readers never see a half-written file. */
function writeDeployment(file: string, deployment: Deployment): void {
  const all = { ...readDeploymentsFile(file), [String(deployment.chainId)]: deployment };
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`);
  renameSync(temp, file);
}
