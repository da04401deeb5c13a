/**
 * Drives one reward epoch end to end for e2e/rewards.spec.ts, against a running stack (`npm start`): a project paying
 * in RewardToken, one device claimed to OWNER, three minutes of signed telemetry sent to the app, a policy, a funded
 * pool, then compute → prove → submit → finalize on-chain. Prints {"epochId", "amount"} as JSON on its last line;
 * progress goes to stderr.
 *
 * The stack's worker runs the reward epoch job too, for every project with a policy (this one included), so the
 * driver follows the job's rules instead of racing it:
 * - its project has its own admin (PROJECT_ADMIN_PRIVATE_KEY), so its transactions never share a nonce with the
 *   worker's deployer key; the deployer only mints the pool's tokens, and is made an operator of the project so the
 *   worker may submit the project's later epochs;
 * - epochs have the worker's length (REWARD_EPOCH_SECONDS); the driver's epoch is the last one closed before the
 *   policy was published, while the job's first is the one after it, so they never compute the same or an earlier one;
 * - proving and submitting happen under the job's row lease: whoever holds it advances the epoch, the other waits.
 *
 * Run with `tsx --conditions=react-server` (lib/rewards is server-only). Env: DATABASE_URL, RPC_URL,
 * DEPLOYMENTS_FILE, APP_URL, OWNER, RUN_SEED (makes the device key unique per run), PROJECT_ADMIN_PRIVATE_KEY,
 * REWARD_EPOCH_SECONDS.
 */
import { getAddress, keccak256, stringToBytes, stringToHex, zeroAddress, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { deviceRegistryAbi, projectRegistryAbi } from "../lib/chain/abi.generated";
import { createDbClient } from "../lib/db/create-client";
import { claimTypedData } from "../lib/devices/claim-typed-data";
import { toWireJson } from "../lib/ingest/message";
import { signTelemetry } from "../lib/ingest/sign";
import { epochWindow } from "../lib/rewards/epoch";
import { clearOfEpochBoundary, createProgress, fundRewardPool, localChain, publishAndConfirmEpoch, required, waitFor } from "./lib/e2e-epoch";

/** The policy is published at least this long before the next epoch boundary, so the driver computes its epoch first. */
const BOUNDARY_MARGIN_MS = 60_000;
const TELEMETRY_MINUTES = 3;
const progress = createProgress("e2e-reward-epoch");

async function main() {
  const owner = getAddress(required("OWNER"));
  const appUrl = required("APP_URL");
  const epochSeconds = Number(required("REWARD_EPOCH_SECONDS"));
  if (!Number.isInteger(epochSeconds) || epochSeconds * 1000 < TELEMETRY_MINUTES * 60_000 + BOUNDARY_MARGIN_MS) throw new Error(`REWARD_EPOCH_SECONDS ${epochSeconds} is too short`);
  const chain = localChain();
  const { deployment, publicClient, write, deployer, admin, adminClient } = chain;
  const db = createDbClient(required("DATABASE_URL"));
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
    await write(adminClient, request);
    // The worker's reward job submits with the deployer key: as an operator it may advance this project's epochs too.
    await write(adminClient, { chain: null, address: deployment.contracts.ProjectRegistry, abi: projectRegistryAbi, functionName: "addOperator", args: [onchainProjectId, deployer.address] });
    await write(adminClient, { chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "registerDevices", args: [onchainProjectId, [{ device, model: stringToHex("AQ", { size: 32 }), claimKey: zeroAddress as Address }]] });
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const signature = await privateKeyToAccount(deviceKey).signTypedData(claimTypedData({ chainId: 31337, registry: deployment.contracts.DeviceRegistry, owner, device, nonce: 0n, deadline }));
    await write(adminClient, { chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [device, owner, deadline, signature] });
    progress(`project ${onchainProjectId} created, device ${device} registered and claimed to ${owner}`);

    // Funding: the deployer owns RewardToken and is the only one who mints; everything else is the project admin's.
    await fundRewardPool(chain, onchainProjectId, 10n ** 21n);
    progress("pool funded");

    // The worker's indexer projects the project and the claimed device; the epoch reads those rows. The worker runs
    // its jobs one after another, so this waits for whatever it is proving for the demo project.
    const row = await waitFor(
      progress,
      "the indexer to project the claimed device",
      () => db.device.findFirst({ where: { address: device.toLowerCase(), ownerAddress: { equals: owner, mode: "insensitive" } }, include: { project: true } }),
      240_000,
    );
    progress(`indexed as project row ${row.projectId}`);

    // Publish at least BOUNDARY_MARGIN_MS before an epoch boundary: the job's first epoch for this project is the one
    // containing the policy's creation, and it must not close before the driver has computed the one before it.
    const epochMs = epochSeconds * 1000;
    await clearOfEpochBoundary(progress, epochMs, BOUNDARY_MARGIN_MS);
    const epoch = Math.floor(Date.now() / epochMs);
    const { windowStart } = epochWindow(epoch, epochSeconds);
    const messages = [];
    for (let minute = 0; minute < TELEMETRY_MINUTES; minute++) {
      messages.push(toWireJson(await signTelemetry(deviceKey as Hex, { device: device.toLowerCase() as Hex, sequence: BigInt(minute + 1), timestamp: windowStart.getTime() + minute * 60_000 + 5_000, temperatureCentiC: 2150 })));
    }
    const response = await fetch(`${appUrl}/api/v1/telemetry`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ messages }) });
    if (!response.ok) throw new Error(`telemetry: ${response.status} ${await response.text()}`);
    progress(`telemetry for epoch ${epoch} (${windowStart.toISOString()}) accepted: ${await response.text()}`);

    const epochId = await publishAndConfirmEpoch(
      db,
      chain,
      { projectId: row.projectId, onchainProjectId, epoch, epochSeconds, policy: { basePerMinute: "1000000000000000", minQualityMultiplierBps: 5000, coverageBonusBps: 5000, demandBonusBps: 0, epochBudget: "1000000000000000000000" } },
      progress,
    );

    const result = await db.rewardDeviceEpoch.findUniqueOrThrow({ where: { epochId_device: { epochId, device: device.toLowerCase() } } });
    process.stdout.write(`${JSON.stringify({ epochId, amount: result.amount.toFixed(0) })}\n`);
  } finally {
    await db.$disconnect();
  }
}

main().then(
  // snarkjs keeps its curve's worker threads alive after proving, so the process would never exit on its own (the
  // spec's execFileSync then times out although the epoch is done): exit explicitly.
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
