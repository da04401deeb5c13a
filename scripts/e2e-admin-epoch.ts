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
import { getAddress, keccak256, stringToBytes, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deviceRegistryAbi, projectRegistryAbi } from "../lib/chain/abi.generated";
import { createDbClient } from "../lib/db/create-client";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { epochWindow } from "../lib/rewards/epoch";
import { clearOfEpochBoundary, createProgress, fundRewardPool, localChain, publishAndConfirmEpoch, required, waitFor } from "./lib/e2e-epoch";

const BOUNDARY_MARGIN_MS = 30_000;
const TELEMETRY_MINUTES = 3;
const DEVICE_COUNT = 3;
const progress = createProgress("e2e-admin-epoch");

async function main() {
  const epochSeconds = Number(required("REWARD_EPOCH_SECONDS"));
  const chain = localChain();
  const { deployment, publicClient, write, deployer, admin, adminClient } = chain;
  const db = createDbClient(required("DATABASE_URL"));
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
    await fundRewardPool(chain, onchainProjectId, 10n ** 21n);
    await clearOfEpochBoundary(progress, epochMs, BOUNDARY_MARGIN_MS);
    const epochId = await publishAndConfirmEpoch(
      db,
      chain,
      { projectId, onchainProjectId, epoch, epochSeconds, policy: { basePerMinute: "1000000000000000", minQualityMultiplierBps: 5000, coverageBonusBps: 0, demandBonusBps: 0, epochBudget: "1000000000000000000000" } },
      progress,
    );
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
