import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createPublicClient, createWalletClient, getAddress, http, stringToHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { demoTokenAbi, deviceRegistryAbi, projectRegistryAbi, rewardDistributorAbi } from "../../../lib/chain/abi.generated";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import { readDeployment } from "../../../lib/chain/deployments";
import { createDbClient } from "../../../lib/db/create-client";
import { claimTypedData } from "../../../lib/devices/claim-typed-data";
import type { DistributorClients } from "../../../lib/proofs/distributor";
import { ownerClaimArguments, ownerEarnings, ownerEarningsCsv } from "../../../lib/rewards/earnings";
import { computeEpoch, epochWindow, proveEpoch, submitEpoch } from "../../../lib/rewards/epoch";
import { publishPolicy } from "../../../lib/rewards/policies";
import { rawReward, scaleToBudget } from "../../../lib/rewards/policy";
import { epochDetail, epochInputsDocument, explainDeviceEarning, listEpochs } from "../../../lib/rewards/proofs-view";
import { createClaimedReader } from "../../../lib/rewards/runtime";
import { postTelemetry, signed, testHttpDeps, testPool, wire, type TestDevice } from "../ingest/helpers";

const EPOCH_SECONDS = 600;
const db = createDbClient(inject("databaseUrl"));
const rpcUrl = inject("rpcUrl");
const deployment = readDeployment(inject("deploymentsFile"), 31337)!;
const admin = privateKeyToAccount(LOCAL_DEV_PRIVATE_KEY);
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey()).address;
const publicClient = createPublicClient({ transport: http(rpcUrl) });
const walletClient = createWalletClient({ account: admin, transport: http(rpcUrl) });
const clients: DistributorClients = { publicClient, walletClient, address: deployment.contracts.RewardDistributor };
const reader = createClaimedReader(rpcUrl, deployment.contracts.RewardDistributor);
const epoch = Math.floor(Date.now() / 1000 / EPOCH_SECONDS) - 1;
const { windowStart } = epochWindow(epoch, EPOCH_SECONDS);

let pool: pg.Pool;
let projectId: number;
let onchainProjectId: bigint;
let epochId: number;
let devices: [TestDevice, TestDevice];

async function write(request: Parameters<typeof walletClient.writeContract>[0]): Promise<void> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract(request) });
  expect(receipt.status).toBe("success");
}

const balanceOf = (account: Address) => publicClient.readContract({ address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "balanceOf", args: [account] });

beforeAll(async () => {
  pool = testPool();
  const { request, result } = await publicClient.simulateContract({
    account: admin,
    address: deployment.contracts.ProjectRegistry,
    abi: projectRegistryAbi,
    functionName: "createProject",
    args: ["Earnings", "ipfs://earnings", deployment.contracts.RewardToken],
  });
  await write(request);
  onchainProjectId = result;
  const newDevice = (): TestDevice => {
    const privateKey = generatePrivateKey();
    return { privateKey, address: privateKeyToAccount(privateKey).address.toLowerCase() as Hex };
  };
  devices = [newDevice(), newDevice()];
  await write({
    chain: null,
    address: deployment.contracts.DeviceRegistry,
    abi: deviceRegistryAbi,
    functionName: "registerDevices",
    args: [onchainProjectId, devices.map((d) => ({ device: getAddress(d.address), model: stringToHex("AQ", { size: 32 }), claimKey: "0x0000000000000000000000000000000000000000" as Address }))],
  });
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  for (const device of devices) {
    const signature = await privateKeyToAccount(device.privateKey).signTypedData(
      claimTypedData({ chainId: 31337, registry: deployment.contracts.DeviceRegistry, owner: owner.address, device: getAddress(device.address), nonce: 0n, deadline }),
    );
    await write({ chain: null, address: deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "claim", args: [getAddress(device.address), owner.address, deadline, signature] });
  }
  const project = await db.project.create({
    data: { chainId: 31337, onchainId: onchainProjectId, slug: `earnings-${randomBytes(6).toString("hex")}`, name: "Earnings", adminAddress: admin.address },
  });
  projectId = project.id;
  await db.device.createMany({ data: devices.map((d, i) => ({ address: d.address, projectId, model: "AQ", registeredBlock: BigInt(i + 1), ownerAddress: owner.address })) });

  // Device 0 online 4 minutes, device 1 online 2 minutes.
  const messages = [];
  for (let minute = 0; minute < 4; minute++) messages.push(await signed(devices[0], minute + 1, { timestamp: windowStart.getTime() + minute * 60_000 + 5_000 }));
  for (let minute = 0; minute < 2; minute++) messages.push(await signed(devices[1], minute + 1, { timestamp: windowStart.getTime() + minute * 60_000 + 7_000 }));
  expect((await postTelemetry(testHttpDeps(pool), wire(messages))).status).toBe(200);

  await publishPolicy(db, projectId, { basePerMinute: "1000000000000000", minQualityMultiplierBps: 2000, coverageBonusBps: 5000, demandBonusBps: 2500, epochBudget: "1000000000000000000000" });
  const fundAmount = 10n ** 21n;
  await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "mint", args: [admin.address, fundAmount] });
  await write({ chain: null, address: deployment.contracts.RewardToken, abi: demoTokenAbi, functionName: "approve", args: [deployment.contracts.RewardDistributor, fundAmount] });
  await write({ chain: null, address: deployment.contracts.RewardDistributor, abi: rewardDistributorAbi, functionName: "fund", args: [onchainProjectId, fundAmount] });

  const policy = await db.rewardPolicy.findFirstOrThrow({ where: { projectId } });
  epochId = (await computeEpoch(db, projectId, epoch, EPOCH_SECONDS, policy))!;
}, 180_000);

afterAll(async () => {
  await pool?.end();
  await db.$disconnect();
});

describe("owner earnings and the public proofs view", () => {
  let amounts: [bigint, bigint];

  it("shows a computed epoch as pending, nothing claimable, and no claim arguments yet", async () => {
    const rows = await db.rewardDeviceEpoch.findMany({ where: { epochId }, orderBy: { slot: "asc" } });
    amounts = [BigInt(rows[0]!.amount.toFixed(0)), BigInt(rows[1]!.amount.toFixed(0))];
    expect(amounts[0]).toBeGreaterThan(amounts[1]);
    expect(amounts[1]).toBeGreaterThan(0n);

    const summary = await ownerEarnings(db, owner.address, { claimed: reader });
    const total = (amounts[0] + amounts[1]).toString();
    expect(summary.deviceCount).toBe(2);
    expect(summary.epochCount).toBe(1);
    expect(summary.pending).toBe(total);
    expect(summary.claimable).toBe("0");
    expect(summary.totals.allTime).toBe(total);
    expect(summary.totals.last7Days).toBe(total);
    expect(summary.perDay.at(-1)?.amount).toBe(epochWindow(epoch, EPOCH_SECONDS).windowStart.toISOString().slice(0, 10) === summary.perDay.at(-1)?.day ? total : "0");
    expect(summary.perDay.reduce((s, d) => s + BigInt(d.amount), 0n).toString()).toBe(total);
    expect(BigInt(summary.monthlyProjection)).toBeGreaterThan(0n);
    expect(await ownerClaimArguments(db, owner.address, reader)).toEqual([]);
  });

  it("someone else's devices earn nothing for a stranger", async () => {
    const summary = await ownerEarnings(db, stranger, { claimed: reader });
    expect(summary.deviceCount).toBe(0);
    expect(summary.totals.allTime).toBe("0");
    expect(summary.perDay).toEqual([]);
    expect(await ownerClaimArguments(db, stranger, reader)).toEqual([]);
    expect((await ownerEarningsCsv(db, stranger)).trim().split("\r\n")).toHaveLength(1);
  });

  it("after confirmation: claimable = cumulative; claimMany with the claim arguments pays exactly that; then claimed, nothing claimable", async () => {
    await proveEpoch(db, epochId);
    await submitEpoch(db, epochId, clients, onchainProjectId);
    const confirmed = await ownerEarnings(db, owner.address, { claimed: reader });
    const total = amounts[0] + amounts[1];
    expect(confirmed.pending).toBe("0");
    expect(confirmed.claimable).toBe(total.toString());
    expect(confirmed.claimed).toBe("0");

    const claims = await ownerClaimArguments(db, owner.address, reader);
    expect(claims.map((c) => c.device).sort()).toEqual(devices.map((d) => getAddress(d.address)).sort());
    const before = await balanceOf(owner.address);
    await write({
      chain: null,
      address: deployment.contracts.RewardDistributor,
      abi: rewardDistributorAbi,
      functionName: "claimMany",
      args: [
        claims.map((c) => ({
          projectId: BigInt(c.projectId),
          device: c.device,
          batchIndex: BigInt(c.batchIndex),
          slotInBatch: BigInt(c.slotInBatch),
          cumulative: BigInt(c.cumulative),
          merkleProof: c.merkleProof.map(BigInt) as [bigint, bigint, bigint, bigint],
        })),
      ],
    });
    expect((await balanceOf(owner.address)) - before).toBe(total);

    const after = await ownerEarnings(db, owner.address, { claimed: reader });
    expect(after.claimed).toBe(total.toString());
    expect(after.claimable).toBe("0");
    expect(after.totals.allTime).toBe(total.toString());
    expect(await ownerClaimArguments(db, owner.address, reader)).toEqual([]);
  }, 180_000);

  it("exports every epoch result of the owner's devices as CSV", async () => {
    const lines = (await ownerEarningsCsv(db, owner.address)).trim().split("\r\n");
    expect(lines[0]).toBe("epoch,project_id,window_start,device,status,amount,cumulative,source,token,order_id");
    expect(lines.slice(1).sort()).toEqual(
      devices
        .map((d, i) => [epoch, projectId, windowStart.toISOString(), getAddress(d.address), "confirmed", amounts[i as 0 | 1], amounts[i as 0 | 1], "reward", "DHR", ""].join(","))
        .sort(),
    );
  });

  it("lists the epoch publicly and details its proofs, transactions and inputs document", async () => {
    expect((await listEpochs(db)).find((e) => e.id === epochId)).toMatchObject({ epoch, status: "confirmed", deviceCount: 2, paidTotal: (amounts[0] + amounts[1]).toString() });
    const detail = (await epochDetail(db, epochId))!;
    expect(detail.finalizeTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(detail.epochRoot).toMatch(/^0x[0-9a-f]{64}$/);
    expect(detail.batches).toHaveLength(1);
    const batch = detail.batches[0]!;
    expect(batch.submitTx).toMatch(/^0x[0-9a-f]{64}$/);
    expect(batch.publicSignals).toHaveLength(9);
    expect(batch.publicSignals![2]).toBe(batch.inputsCommitment);
    expect(batch.publicSignals![4]).toBe(batch.newRoot);
    const onchainRoot = await publicClient.readContract({ address: clients.address, abi: rewardDistributorAbi, functionName: "batchRootOf", args: [onchainProjectId, 0n] });
    expect(onchainRoot.toString()).toBe(batch.newRoot);
    const document = (await epochInputsDocument(db, epochId))!;
    expect(document.slots.map((s) => s.device)).toEqual(devices.map((d) => d.address));
    expect(await epochDetail(db, 2_000_000_000)).toBeNull();
  });

  it("explains a device's amount with the policy terms, which recompute it", async () => {
    const why = (await explainDeviceEarning(db, epochId, getAddress(devices[0].address)))!;
    expect(why.inputs.onlineMinutes).toBe(4);
    const policy = {
      version: why.policy.version,
      basePerMinute: BigInt(why.policy.basePerMinute),
      minQualityMultiplierBps: why.policy.minQualityMultiplierBps,
      coverageBonusBps: why.policy.coverageBonusBps,
      demandBonusBps: why.policy.demandBonusBps,
      epochBudget: BigInt(why.policy.epochBudget),
    };
    const terms = rawReward(policy, why.inputs);
    expect([Number(terms.qualityMultiplierBps), Number(terms.bonusBps), terms.raw.toString()]).toEqual([why.qualityMultiplierBps, why.bonusBps, why.raw]);
    expect(scaleToBudget(terms.raw, BigInt(why.rawTotal), policy.epochBudget).toString()).toBe(why.amount);
    expect(why.amount).toBe(amounts[0].toString());
    expect(await explainDeviceEarning(db, epochId, stranger)).toBeNull();
  });
});
