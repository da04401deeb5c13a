import { afterEach, beforeEach, describe, expect, inject, it } from "vitest";
import { startIndexerHarness, type IndexerHarness } from "./harness";

// Each test gets its own chain: reorgs rewrite history other tests would rely on.
let h: IndexerHarness;

beforeEach(async () => {
  h = await startIndexerHarness(inject("databaseUrl"));
});

afterEach(async () => {
  await h?.stop();
});

const deviceRow = (address: string) => h.db.device.findUnique({ where: { address: address.toLowerCase() } });

async function registeredDevice(projectName: string) {
  const projectId = await h.chain.createProject(projectName);
  const { devices } = await h.chain.registerDevices(projectId, 1);
  const device = devices[0];
  if (!device) throw new Error("expected a device");
  return { projectId, device };
}

describe("chain indexer: reorgs", () => {
  it("undoes a claim that anvil_revert took off the chain, then follows the new fork", async () => {
    const { device } = await registeredDevice("Reorg");
    const alice = await h.fundedAccount();
    const bob = await h.fundedAccount();
    const indexer = h.indexer();
    await indexer.catchUp(h.db);

    const snapshot = await h.rpc("evm_snapshot");
    await h.chain.claim(device, alice.address);
    await indexer.catchUp(h.db);
    expect(await deviceRow(device.address)).toMatchObject({ ownerAddress: alice.address, nonce: 1 });

    // The claim's block is replaced by a longer fork without it.
    expect(await h.rpc("evm_revert", [snapshot])).toBe(true);
    await h.rpc("anvil_mine", ["0x3"]);
    const outcome = await indexer.indexNextBatch(h.db);
    expect(outcome).toMatchObject({ kind: "indexed", reorg: { removedEvents: 2 } });
    expect(await deviceRow(device.address)).toMatchObject({ ownerAddress: null, nonce: 0, claimedAt: null });
    expect(await h.db.chainEvent.count({ where: { name: { in: ["DeviceClaimed", "Transfer"] } } })).toBe(0);

    // The new fork's own claim (same nonce 0: the old signature's claim never happened) is indexed.
    await h.chain.claim(device, bob.address);
    await indexer.catchUp(h.db);
    expect(await deviceRow(device.address)).toMatchObject({ ownerAddress: bob.address, nonce: 1 });
    expect(await h.db.chainEvent.count()).toBe((await h.chain.allLogs()).length);
  });

  it("handles anvil_reorg (same height, different blocks) and removes a project and devices reorged out", async () => {
    const kept = await registeredDevice("Kept");
    const indexer = h.indexer();
    await indexer.catchUp(h.db);
    const { projectId, device } = await registeredDevice("Dropped"); // 2 blocks
    const alice = await h.fundedAccount(); // no block: anvil_setBalance
    await h.chain.claim(kept.device, alice.address); // 1 block
    await indexer.catchUp(h.db);
    expect(await h.db.project.count({ where: { onchainId: projectId } })).toBe(1);
    const heightBefore = await h.chain.publicClient.getBlockNumber({ cacheTime: 0 });

    await h.rpc("anvil_reorg", [3, []]);
    expect(await h.chain.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(heightBefore);
    // One transaction undoes the old blocks and indexes their (empty) replacements.
    const outcome = await indexer.indexNextBatch(h.db);
    expect(outcome).toMatchObject({ kind: "indexed", from: heightBefore - 2n, to: heightBefore, events: 0, reorg: { from: heightBefore, ancestor: heightBefore - 3n, removedEvents: 4 } });

    expect(await h.db.project.count({ where: { onchainId: projectId } })).toBe(0);
    expect(await deviceRow(device.address)).toBeNull();
    expect(await deviceRow(kept.device.address)).toMatchObject({ ownerAddress: null });
    const cursor = await h.db.indexerCursor.findFirstOrThrow();
    expect(cursor.blockNumber).toBe(heightBefore);
    expect(cursor.blockHash).toBe((await h.chain.publicClient.getBlock({ blockNumber: heightBefore })).hash);
    expect(await h.db.chainEvent.count()).toBe((await h.chain.allLogs()).length);
  });

  it("replays from the deployment block when the reorg is deeper than the stored hashes", async () => {
    const { device } = await registeredDevice("Deep");
    const alice = await h.fundedAccount();
    const indexer = h.indexer({ hashWindowBlocks: 0 });
    await indexer.catchUp(h.db);
    await h.chain.claim(device, alice.address);
    await h.rpc("anvil_mine", ["0x2"]);
    await indexer.catchUp(h.db);
    expect(await h.db.indexedBlock.count()).toBe(1); // only the cursor block is kept

    await h.rpc("anvil_reorg", [3, []]);
    await indexer.catchUp(h.db);
    expect(await deviceRow(device.address)).toMatchObject({ ownerAddress: null, nonce: 0 });
    expect(await h.db.project.count()).toBe(1);
    expect(await h.db.chainEvent.count()).toBe((await h.chain.allLogs()).length);
  });
});
