import { randomBytes } from "node:crypto";
import type pg from "pg";
import { BaseError, ContractFunctionRevertedError, createPublicClient, createWalletClient, getAddress, http, stringToHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { claimTypedData } from "../../../lib/devices/claim-typed-data";
import { buildBatchWitness } from "../../../lib/proofs/batch";
import { submitBatchOnChain, type DistributorClients } from "../../../lib/proofs/distributor";
import { proveBatch } from "../../../lib/proofs/prover";
import { claimRequestFor, computeEpoch, epochWindow, proveEpoch, submitEpoch, witnessesOf, type EpochInputsDocument } from "../../../lib/rewards/epoch";
import { publishPolicy } from "../../../lib/rewards/policies";
import { postTelemetry, signed, testHttpDeps, testPool, wire, type TestDevice } from "../ingest/helpers";

const EPOCH_SECONDS = 600;
const db = createDbClient(inject("databaseUrl"));
const rpcUrl = inject("rpcUrl");
const deployment = readDeployment(inject("deploymentsFile"), 31337)!;
const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const owner = privateKeyToAccount(generatePrivateKey());
const publicClient = createPublicClient({ transport: http(rpcUrl) });
const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
const clients: DistributorClients = { publicClient, walletClient, address: deployment.contracts.RewardDistributor };
// A finished epoch inside the ingest clock window (readings up to 24 h old are accepted).
const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
const { windowStart } = epochWindow(epoch, EPOCH_SECONDS);

let pool: pg.Pool;
let projectId: number;
let onchainProjectId: bigint;
let devices: [TestDevice, TestDevice, TestDevice];

async function write(request: Parameters<typeof walletClient.writeContract>[0]): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
  expect(receipt.status).toBe("success");
}

async function revertName(run: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await run();
  } catch (error) {
    const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
    return reverted instanceof ContractFunctionRevertedError ? reverted.data?.errorName : `not a revert: ${String(error)}`;
  }
  return undefined;
}

beforeAll(async () => {
  pool = testPool();
  const { request, result } = await publicClient.simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Rewards", "ipfs://rewards", deployment.contracts.RewardToken],
  });
  await write(request);
  onchainProjectId = result;

  const newDevice = (): TestDevice => {
    const privateKey = generatePrivateKey();
    return { privateKey, address: privateKeyToAccount(privateKey).address.toLowerCase() as Hex };
  };
  devices = [newDevice(), newDevice(), newDevice()];
  await write({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [onchainProjectId, devices.map((d) => ({ device: getAddress(d.address), model: stringToHex("AQ", { size: 32 }), claimKey: "0x0000000000000000000000000000000000000000" as Address }))],
  });
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  for (const device of devices.slice(0, 2)) {
    const signature = await privateKeyToAccount(device.privateKey).signTypedData(
      claimTypedData({ chainId: 31337, registry: deployment.contracts.DeviceRegistry, owner: owner.address, device: getAddress(device.address), nonce: 0n, deadline }),
    );
    await write({ chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [getAddress(device.address), owner.address, deadline, signature] });
  }

  const project = await db.project.create({
    data: { chainId: 31337, onchainId: onchainProjectId, slug: `rewards-${randomBytes(6).toString("hex")}`, name: "Rewards", adminAddress: admin.address },
  });
  projectId = project.id;
  await db.device.createMany({ data: devices.map((d, i) => ({ address: d.address, projectId, model: "AQ", registeredBlock: BigInt(i + 1) })) });

  // Device 0 online 5 minutes, device 1 online 3 minutes (two readings in one minute count once), device 2 silent.
  const messages = [];
  for (let minute = 0; minute < 5; minute++) messages.push(await signed(devices[0], minute + 1, { timestamp: windowStart.getTime() + minute * 60_000 + 5_000 }));
  for (const [i, offset] of [0, 20_000, 60_000, 120_000].entries()) messages.push(await signed(devices[1], i + 1, { timestamp: windowStart.getTime() + offset + 1_000 }));
  const response = await postTelemetry(testHttpDeps(pool), wire(messages));
  expect(response.status).toBe(200);

  await publishPolicy(db, projectId, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" });
  const fundAmount = 10n ** 21n;
  await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, fundAmount] });
  await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, fundAmount] });
  await write({ chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, fundAmount] });
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("reward epoch pipeline", () => {
  let epochId: number;

  it("computes an epoch exactly once even when two workers race", async () => {
    const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
    const results = await Promise.all([computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy), computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy)]);
    expect(results.filter((id) => id !== null)).toHaveLength(1);
    epochId = results.find((id) => id !== null)!;
    const rows = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { slot: "asc" } });
    expect(rows.map((row) => [row.slot, row.onlineMinutes])).toEqual([
      [0, 5],
      [1, 3],
      [2, 0],
    ]);
    const [first, second, silent] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
    expect(first.amount.gt(second.amount)).toBe(true);
    expect(silent.amount.toFixed(0)).toBe("0");
  });

  it("proves, submits and finalizes on-chain; the owner's claim pays the amount shown; a second claim pays nothing", async () => {
    await proveEpoch(db, epochId);
    await submitEpoch(db, epochId, clients, onchainProjectId);
    const stored = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true } });
    const batch = stored.batches[0]!;
    expect(stored.status).toBe("confirmed");
    expect(batch.submitTx).toMatch(/^0x[0-9a-f]{64}$/);
    const onchainRoot = await publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "batchRootOf", args: [onchainProjectId, 0n] });
    expect(onchainRoot.toString()).toBe(batch.newRoot);

    const request = (await claimRequestFor(db, projectId, onchainProjectId, devices[0].address))!;
    const shown = await db.rewardDeviceEpoch.findUniqueOrThrow({ where: { epochId_device: { epochId, device: devices[0].address } } });
    const balance = () => publicClient.readContract({ address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "balanceOf", args: [owner.address] });
    const before = await balance();
    await write({ chain: null, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
    expect((await balance()) - before).toBe(BigInt(shown.amount.toFixed(0)));
    await write({ chain: null, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [request] });
    expect((await balance()) - before).toBe(BigInt(shown.amount.toFixed(0)));
  }, 120_000);

  it("rejects a replayed root, a tampered proof and a forged claim; accepts the genuine next batch", async () => {
    const stored = await db.rewardEpoch.findUniqueOrThrow({ where: { id: epochId }, include: { batches: true } });
    const document = stored.inputs as unknown as EpochInputsDocument;
    const previous = witnessesOf(document, BigInt(stored.rawTotal.toFixed(0)), stored.batchCount)[0]!;
    const replay = await proveBatch({ ...previous, input: { ...previous.input, epoch: String(epoch + 1) }, publicSignals: { ...previous.publicSignals, epoch: BigInt(epoch + 1) } });
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, { ...previous.publicSignals, epoch: BigInt(epoch + 1) }, replay.solidity))).toBe("PrevRootMismatch");

    const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
    const next = buildBatchWitness({
      epoch: BigInt(epoch + 1),
      policy: { version: policy.version, basePerMinute: BigInt(policy.basePerMinute.toFixed(0)), minQualityMultiplierBps: policy.minQualityMultiplierBps, coverageBonusBps: policy.coverageBonusBps, demandBonusBps: policy.demandBonusBps, epochBudget: BigInt(policy.epochBudget.toFixed(0)) },
      epochRaw: previous.publicSignals.batchRaw,
      slots: document.slots.map((slot, i) => ({ device: BigInt(slot.device), inputs: slot.inputs, prevCumulative: previous.newCumulative[i]! })),
    });
    const proof = await proveBatch(next);
    const tampered = { ...proof.solidity, a: [proof.solidity.a[0], proof.solidity.a[1] + 1n] as const };
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, next.publicSignals, tampered))).not.toBeUndefined();
    const inflated = { ...next.publicSignals, batchPaid: next.publicSignals.batchPaid + 1n };
    expect(await revertName(() => submitBatchOnChain(clients, onchainProjectId, 0, inflated, proof.solidity))).toBe("InvalidProof");
    await submitBatchOnChain(clients, onchainProjectId, 0, next.publicSignals, proof.solidity);

    const forged = (await claimRequestFor(db, projectId, onchainProjectId, devices[1].address))!;
    expect(await revertName(() => publicClient.simulateContract({ account: admin, address: clients.address, abi: rewardDistributorAbi, functionName: "claim", args: [{ ...forged, cumulative: forged.cumulative * 2n }] }))).toBe(
      "InvalidMerkleProof",
    );
  }, 180_000);
});
