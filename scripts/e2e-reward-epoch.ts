/**
 * Drives one reward epoch end to end for e2e/rewards.spec.ts, against a running stack (`npm start`): a project paying
 * in RewardToken, one device claimed to OWNER, three minutes of signed telemetry sent to the app, a policy, a funded
 * pool, then compute → prove → submit → finalize on-chain. Prints {"epochId", "amount"} as JSON.
 *
 * Run with `tsx --conditions=react-server` (lib/rewards is server-only). Env: DATABASE_URL, RPC_URL,
 * DEPLOYMENTS_FILE, APP_URL, OWNER, RUN_SEED (makes the device key unique per run).
 */
import { createPublicClient, createWalletClient, getAddress, http, keccak256, stringToBytes, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../lib/chain/deploy";
import { readDeployment } from "../lib/chain/deployments";
import { createDbClient } from "../lib/db/create-client";
import { claimTypedData } from "../lib/devices/claim-typed-data";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { computeEpoch, epochWindow, proveEpoch, submitEpoch } from "../lib/rewards/epoch";
import { publishPolicy } from "../lib/rewards/policies";

const EPOCH_SECONDS = 600;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main() {
  const owner = getAddress(required("OWNER"));
  const rpcUrl = required("RPC_URL");
  const appUrl = required("APP_URL");
  const deployment = readDeployment(required("DEPLOYMENTS_FILE"), 31337);
  if (!deployment) throw new Error("no local deployment");
  const db = createDbClient(required("DATABASE_URL"));
  const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
  const write = async (request: Parameters<typeof walletClient.writeContract>[0]) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    if (receipt.status !== "success") throw new Error(`reverted: ${receipt.transactionHash}`);
  };
  try {
    const deviceKey = keccak256(stringToBytes(`e2e-rewards:device:${required("RUN_SEED")}`));
    const device = privateKeyToAccount(deviceKey).address;
    const { request, result: onchainProjectId } = await publicClient.simulateContract({
      account: admin,
      address: deployment.contracts.ProjectRegistry,
      abi: projectRegistryAbi,
      functionName: "createProject",
      args: ["E2E Rewards", "", deployment.contracts.RewardToken],
    });
    await write(request);
    await write({ chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "registerDevices", args: [onchainProjectId, [{ device, model: stringToHex("AQ", { size: 32 }), claimKey: zeroAddress as Address }]] });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const signature = await privateKeyToAccount(deviceKey).signTypedData(claimTypedData({ chainId: 31337, registry: deployment.contracts.DeviceRegistry, owner, device, nonce: 0n, deadline }));
    await write({ chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [device, owner, deadline, signature] });

    // The worker's indexer projects the project and the claimed device; the epoch reads those rows.
    let row = null;
    for (let i = 0; i < 240 && !row; i++) {
      row = await db.device.findFirst({ where: { address: device.toLowerCase(), ownerAddress: { equals: owner, mode: "insensitive" } }, include: { project: true } });
      if (!row) await new Promise((r) => setTimeout(r, 500));
    }
    if (!row) throw new Error("the indexer did not project the claimed device within 120 s");

    const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
    const { windowStart } = epochWindow(epoch, EPOCH_SECONDS);
    const messages = [];
    for (let minute = 0; minute < 3; minute++) {
      messages.push(toWireJson(await signTelemetry(deviceKey as Hex, { device: device.toLowerCase() as Hex, sequence: BigInt(minute + 1), timestamp: windowStart.getTime() + minute * 60_000 + 5_000, temperatureCentiC: 2150 })));
    }
    const response = await fetch(`${appUrl}/api/v1/telemetry`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ messages }) });
    if (!response.ok) throw new Error(`telemetry: ${response.status} ${await response.text()}`);

    const policy = await publishPolicy(db, row.projectId, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 5000, coverageBonusBps: 5000, demandBonusBps: 0, epochBudget: "1000000000000000000000" });
    const fundAmount = 10n ** 21n;
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, fundAmount] });
    await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, fundAmount] });
    await write({ chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, fundAmount] });

    const epochId = await computeEpoch(db, row.projectId, epoch, EPOCH_SECONDS, policy);
    if (epochId === null) throw new Error("epoch already computed");
    await proveEpoch(db, epochId);
    await submitEpoch(db, epochId, { publicClient, walletClient, address: deployment.contracts.RewardDistributor }, onchainProjectId);
    const result = await db.rewardDeviceEpoch.findUniqueOrThrow({ where: { epochId_device: { epochId, device: device.toLowerCase() } } });
    process.stdout.write(`${JSON.stringify({ epochId, amount: result.amount.toFixed(0) })}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
