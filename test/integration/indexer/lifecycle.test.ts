import { getAddress, zeroAddress } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createIndexerJob } from "../../../lib/indexer";
import { startIndexerHarness, type IndexerHarness } from "./harness";

let h: IndexerHarness;

beforeAll(async () => {
  h = await startIndexerHarness(inject("databaseUrl"));
});

afterAll(async () => {
  await h?.stop();
});

/** Indexes until caught up with a fresh indexer: each test sees the chain as of now. */
const sync = () => h.indexer().catchUp(h.db);
const deviceRow = (address: string) => h.db.device.findUniqueOrThrow({ where: { address: address.toLowerCase() } });

describe("chain indexer: projections", () => {
  it("indexes project creation, metadata, admin transfer and operators", async () => {
    const operator = await h.fundedAccount();
    const newAdmin = await h.fundedAccount();
    const projectId = await h.chain.createProject("Air Quality Berlin", "ipfs://berlin");
    await h.chain.addOperator(projectId, operator.address);
    await h.chain.addOperator(projectId, newAdmin.address);
    await h.chain.removeOperator(projectId, newAdmin.address);
    await h.chain.updateMetadata(projectId, "Air Quality Berlin 2", "ipfs://berlin-2", operator.address);
    await h.chain.transferAdmin(projectId, newAdmin.address);
    await sync();

    const project = await h.db.project.findUniqueOrThrow({
      where: { chainId_onchainId: { chainId: h.deployment.chainId, onchainId: projectId } },
      include: { operators: true },
    });
    expect(project).toMatchObject({
      slug: `air-quality-berlin-${projectId}`,
      name: "Air Quality Berlin 2",
      metadataUri: "ipfs://berlin-2",
      adminAddress: newAdmin.address,
      rewardToken: operator.address,
    });
    expect(project.operators.map((o) => o.address)).toEqual([operator.address]);
    const events = await h.db.chainEvent.findMany({ where: { projectOnchainId: projectId }, orderBy: [{ blockNumber: "asc" }, { logIndex: "asc" }] });
    expect(events.map((e) => e.name)).toEqual(["ProjectCreated", "OperatorAdded", "OperatorAdded", "OperatorRemoved", "ProjectMetadataUpdated", "ProjectAdminTransferred"]);
  });

  it("indexes registration, claim, transfer, release and deactivation", async () => {
    const projectId = await h.chain.createProject("Fleet");
    const { devices, receipt } = await h.chain.registerDevices(projectId, 3, "WeatherStation S1");
    const [first, second, third] = devices;
    if (!first || !second || !third) throw new Error("expected 3 devices");
    const alice = await h.fundedAccount();
    const bob = await h.fundedAccount();

    await sync();
    expect(await deviceRow(first.address)).toMatchObject({ model: "WeatherStation S1", active: true, ownerAddress: null, nonce: 0, claimedAt: null, registeredBlock: receipt.blockNumber });

    const claimReceipt = await h.chain.claim(first, alice.address);
    await h.chain.claim(second, alice.address);
    await sync();
    const claimed = await deviceRow(first.address);
    const claimBlock = await h.chain.publicClient.getBlock({ blockNumber: claimReceipt.blockNumber });
    expect(claimed).toMatchObject({ ownerAddress: alice.address, nonce: 1, claimedAt: new Date(Number(claimBlock.timestamp) * 1000) });
    expect(await h.db.device.count({ where: { ownerAddress: alice.address } })).toBe(2);

    await h.chain.transfer(alice, bob.address, first.address);
    await h.chain.release(alice, second.address);
    await h.chain.setActive(third.address, false);
    await sync();
    expect(await deviceRow(first.address)).toMatchObject({ ownerAddress: bob.address, nonce: 1 });
    expect(await deviceRow(second.address)).toMatchObject({ ownerAddress: null, claimedAt: null, nonce: 1 });
    expect(await deviceRow(third.address)).toMatchObject({ active: false, ownerAddress: null });

    // The app reads ownership from the index; it must agree with the token contract.
    for (const device of devices) {
      const info = await h.chain.publicClient.readContract({ address: h.deployment.contracts.DeviceRegistry, abi: (await import("../../../lib/chain/abi.generated")).deviceRegistryAbi, functionName: "deviceInfo", args: [device.address] });
      const row = await deviceRow(device.address);
      expect(row.ownerAddress ?? zeroAddress).toBe(getAddress(info.owner));
      expect(row.active).toBe(info.active);
      expect(BigInt(row.nonce)).toBe(info.nonce);
    }
  });

  it("keeps off-chain fields (serial) when events update a device", async () => {
    const projectId = await h.chain.createProject("Serials");
    const { devices } = await h.chain.registerDevices(projectId, 1);
    const device = devices[0];
    if (!device) throw new Error("expected a device");
    await sync();
    await h.db.device.update({ where: { address: device.address.toLowerCase() }, data: { serial: "SN-1" } });
    await h.chain.setActive(device.address, false);
    await sync();
    expect(await deviceRow(device.address)).toMatchObject({ serial: "SN-1", active: false });
  });

  it("resumes from the stored cursor after a restart, without indexing anything twice", async () => {
    const projectId = await h.chain.createProject("Resume");
    for (let i = 0; i < 4; i += 1) await h.chain.registerDevices(projectId, 2);
    const cursorBefore = await h.db.indexerCursor.findFirstOrThrow();

    // A worker that indexes one 2-block batch, then "crashes".
    const firstWorker = h.indexer({ batchBlocks: 2 });
    const outcome = await firstWorker.indexNextBatch(h.db);
    expect(outcome).toMatchObject({ kind: "indexed", from: cursorBefore.blockNumber + 1n, to: cursorBefore.blockNumber + 2n });

    // A new instance (as after a restart) continues from the committed cursor.
    const job = createIndexerJob(h.indexer({ batchBlocks: 2 }));
    await job.run({ db: h.db, signal: new AbortController().signal });
    const head = await h.chain.publicClient.getBlockNumber({ cacheTime: 0 });
    expect((await h.db.indexerCursor.findFirstOrThrow()).blockNumber).toBe(head);

    const logs = await h.chain.allLogs();
    expect(await h.db.chainEvent.count()).toBe(logs.length);
    expect(await h.db.device.count({ where: { project: { onchainId: projectId } } })).toBe(8);
  });

  it("leaves events inside the confirmation window for later", async () => {
    const indexer = h.indexer({ confirmations: 3 });
    await indexer.catchUp(h.db);
    const projectId = await h.chain.createProject("Unconfirmed");
    const where = { chainId_onchainId: { chainId: h.deployment.chainId, onchainId: projectId } };

    await indexer.catchUp(h.db);
    expect(await h.db.project.findUnique({ where })).toBeNull();

    await h.rpc("anvil_mine", ["0x2"]);
    await indexer.catchUp(h.db);
    expect(await h.db.project.findUnique({ where })).toBeNull();

    await h.rpc("anvil_mine", ["0x1"]);
    await indexer.catchUp(h.db);
    expect(await h.db.project.findUnique({ where })).toMatchObject({ name: "Unconfirmed" });
  });

  it("refuses an RPC that serves another chain than the deployment's", async () => {
    const indexer = h.indexer({ deployment: { ...h.deployment, chainId: 4690 } });
    await expect(indexer.indexNextBatch(h.db)).rejects.toThrow(/serves chain 31337/);
  });
});
