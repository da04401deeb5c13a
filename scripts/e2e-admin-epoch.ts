/**
 * Driver for e2e/admin-earnings.spec.ts ("deactivate a device and see it stop earning"), in two phases against a
 * running stack, with the browser deactivating a device between them:
 *
 * - PHASE=setup: a project administered by PROJECT_ADMIN_PRIVATE_KEY (the spec's wallet) with three registered
 *   devices, indexed; three minutes of signed telemetry from each device in the last closed epoch window. Prints
 *   {"projectId", "onchainProjectId", "epoch", "devices"}.
 * - PHASE=epoch (PROJECT_ID, ONCHAIN_PROJECT_ID, EPOCH from setup): funds the pool, publishes a policy, computes that
 *   epoch (reading each device's active flag now, after the deactivation), proves, submits and finalizes it.
 *   Prints {"epochId", "amounts": {device: amount}}.
 *
 * Like scripts/e2e-reward-epoch.ts it follows the worker's reward job rules: its own admin key, the deployer made an
 * operator, the driver's epoch closed before the policy exists, and proving under the job's lease.
 * Env: DATABASE_URL, RPC_URL, DEPLOYMENTS_FILE, APP_URL, RUN_SEED, PROJECT_ADMIN_PRIVATE_KEY, REWARD_EPOCH_SECONDS.
 */
import { createPublicClient, createWalletClient, getAddress, http, keccak256, stringToBytes, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../lib/chain/deploy";
import { readDeployment } from "../lib/chain/deployments";
import { createDbClient } from "../lib/db/create-client";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { ensurePolicyOnChain, type DistributorClients } from "../lib/proofs/distributor";
import { computeEpoch, epochWindow, policyParams } from "../lib/rewards/epoch";
import { publishPolicy } from "../lib/rewards/policies";
import { advanceUnderLease, createProgress, required, waitFor } from "./lib/e2e-epoch";

const BOUNDARY_MARGIN_MS = 30_000;
const TELEMETRY_MINUTES = 3;
const DEVICE_COUNT = 3;
const progress = createProgress("e2e-admin-epoch");

async function main() {
  const rpcUrl = required("RPC_URL");
  const epochSeconds = Number(required("REWARD_EPOCH_SECONDS"));
  const deployment = readDeployment(required("DEPLOYMENTS_FILE"), 31337);
  if (!deployment) throw new Error("no local deployment");
  const db = createDbClient(required("DATABASE_URL"));
  const deployer = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
  const admin = privateKeyToAccount(required("PROJECT_ADMIN_PRIVATE_KEY") as Hex);
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const clientOf = (account: PrivateKeyAccount) => createWalletClient({ account, transport: http(rpcUrl) });
  const adminClient = clientOf(admin);
  const write = async (walletClient: ReturnType<typeof clientOf>, request: Parameters<ReturnType<typeof clientOf>["writeContract"]>[0]) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
    if (receipt.status !== "success") throw new Error(`reverted: ${receipt.transactionHash}`);
  };
  const deviceKeys = Array.from({ length: DEVICE_COUNT }, (_, i) => keccak256(stringToBytes(`e2e-admin-earnings:device:${i}:${required("RUN_SEED")}`)));
  const devices = deviceKeys.map((key) => privateKeyToAccount(key).address);
  const epochMs = epochSeconds * 1000;
  try {
    if (required("PHASE") === "setup") {
      const { request, result: onchainProjectId } = await publicClient.simulateContract({
        account: admin,
        address: deployment.contracts.ProjectRegistry,
        abi: projectRegistryAbi,
        functionName: "createProject",
        args: ["E2E Deactivation", "", deployment.contracts.RewardToken],
      });
      await write(adminClient, request);
      // The worker's reward job submits with the deployer key: as an operator it may advance this project's later epochs.
      await write(adminClient, { chain: null, address: deployment.contracts.ProjectRegistry, abi: projectRegistryAbi, functionName: "addOperator", args: [onchainProjectId, deployer.address] });
      await write(adminClient, {
        chain: null,
        address: deployment.contracts.DeviceRegistry,
        abi: deviceRegistryAbi,
        functionName: "registerDevices",
        args: [onchainProjectId, devices.map((device, i) => ({ device, model: stringToHex(`E2E-${i + 1}`, { size: 32 }), claimKey: zeroAddress as Address }))],
      });
      const indexed = await waitFor(
        progress,
        "the indexer to project the devices",
        async () => {
          const rows = await db.device.findMany({ where: { address: { in: devices.map((d) => d.toLowerCase()) } } });
          return rows.length === DEVICE_COUNT ? rows : null;
        },
        240_000,
      );
      // Every device reports in the last closed window, while all are still active.
      const epoch = Math.floor(Date.now() / epochMs);
      const { windowStart } = epochWindow(epoch, epochSeconds);
      const messages = [];
      for (const [i, key] of deviceKeys.entries()) {
        for (let minute = 0; minute < TELEMETRY_MINUTES; minute++) {
          messages.push(toWireJson(await signTelemetry(key, { device: devices[i]!.toLowerCase() as Hex, sequence: BigInt(minute + 1), timestamp: windowStart.getTime() + minute * 60_000 + 5_000, temperatureCentiC: 2150 })));
        }
      }
      const response = await fetch(`${required("APP_URL")}/api/v1/telemetry`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ messages }) });
      const body = await response.text();
      if (!response.ok || body.includes('"rejected"')) throw new Error(`telemetry: ${response.status} ${body}`);
      progress(`project ${onchainProjectId} (row ${indexed[0]!.projectId}): ${DEVICE_COUNT} devices reported in epoch ${epoch}`);
      process.stdout.write(`${JSON.stringify({ projectId: indexed[0]!.projectId, onchainProjectId: String(onchainProjectId), epoch, devices: devices.map((d) => d.toLowerCase()) })}\n`);
      return;
    }

    const projectId = Number(required("PROJECT_ID"));
    const onchainProjectId = BigInt(required("ONCHAIN_PROJECT_ID"));
    const epoch = Number(required("EPOCH"));
    const fundAmount = 10n ** 21n;
    await write(clientOf(deployer), { chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, fundAmount] });
    await write(adminClient, { chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, fundAmount] });
    await write(adminClient, { chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, fundAmount] });
    // The job's first epoch is the one containing the policy's creation: it must not close before the driver computes its own.
    if (epochMs - (Date.now() % epochMs) < BOUNDARY_MARGIN_MS) {
      const boundary = Math.ceil(Date.now() / epochMs) * epochMs;
      await waitFor(progress, "the next epoch boundary (too close to publish the policy)", async () => (Date.now() >= boundary ? true : null), 2 * BOUNDARY_MARGIN_MS);
    }
    const policy = await publishPolicy(db, projectId, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 5000, coverageBonusBps: 0, demandBonusBps: 0, epochBudget: "1000000000000000000000" });
    const computed = await computeEpoch(db, projectId, epoch, epochSeconds, policy);
    const epochId = computed ?? (await db.rewardEpoch.findUniqueOrThrow({ where: { projectId_epoch: { projectId, epoch } } })).id;
    const earlier = await db.rewardEpoch.findFirst({ where: { projectId, id: { lt: epochId } } });
    if (earlier) throw new Error(`the worker computed epoch ${earlier.epoch} of the project before the driver's epoch ${epoch}`);
    progress(`epoch ${epoch} computed (id ${epochId})`);
    const clients: DistributorClients = { publicClient, walletClient: adminClient, address: deployment.contracts.RewardDistributor };
    await ensurePolicyOnChain(clients, onchainProjectId, BigInt(policy.policyHash), policyParams(policy).epochBudget);
    await advanceUnderLease(db, epochId, clients, onchainProjectId, progress);
    const rows = await db.rewardDeviceEpoch.findMany({ where: { epochId } });
    process.stdout.write(`${JSON.stringify({ epochId, amounts: Object.fromEntries(rows.map((row) => [getAddress(row.device).toLowerCase(), row.amount.toFixed(0)])) })}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().then(
  // snarkjs keeps its worker threads alive after proving: exit explicitly (see scripts/e2e-reward-epoch.ts).
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
