import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient } from "../../../lib/db/create-client";
import { startIndexerHarness, type IndexerHarness } from "./harness";

let h: IndexerHarness;

beforeAll(async () => {
  h = await startIndexerHarness(inject("databaseUrl"));
  const projectId = await h.chain.createProject("Busy");
  const alice = await h.fundedAccount();
  for (let i = 0; i < 10; i += 1) {
    const { devices } = await h.chain.registerDevices(projectId, 100);
    for (const device of devices.slice(0, 2)) await h.chain.claim(device, alice.address);
  }
});

afterAll(async () => {
  await h?.stop();
});

/** Forgets everything indexed (the cursor cascades to events and block hashes). */
async function resetIndex() {
  await h.db.device.deleteMany();
  await h.db.project.deleteMany();
  await h.db.indexerCursor.deleteMany();
}

describe("chain indexer: throughput and concurrency", () => {
  it("indexes a thousand devices' events and reports the rate", async () => {
    await resetIndex();
    const logs = await h.chain.allLogs();
    const started = performance.now();
    await h.indexer().catchUp(h.db);
    const seconds = (performance.now() - started) / 1000;
    console.log(`indexed ${logs.length} events in ${seconds.toFixed(2)} s: ${Math.round(logs.length / seconds)} events/s (one batch per 1000 blocks)`);
    expect(await h.db.chainEvent.count()).toBe(logs.length);
    expect(await h.db.device.count()).toBe(1000);
    expect(await h.db.device.count({ where: { ownerAddress: { not: null } } })).toBe(20);
  });

  it("two workers running at once index every event exactly once", async () => {
    await resetIndex();
    const otherDb = createDbClient(h.databaseUrl);
    try {
      const workers = [
        { db: h.db, indexer: h.indexer({ batchBlocks: 3 }) },
        { db: otherDb, indexer: h.indexer({ batchBlocks: 3 }) },
      ];
      const outcomes = await Promise.all(
        workers.map(async ({ db, indexer }) => {
          const kinds: string[] = [];
          for (;;) {
            const outcome = await indexer.indexNextBatch(db);
            kinds.push(outcome.kind);
            if (outcome.kind === "up-to-date") return kinds;
          }
        }),
      );
      console.log(`batch outcomes per worker: ${outcomes.map((kinds) => kinds.filter((k) => k === "indexed").length).join(" / ")} indexed, ${outcomes.map((kinds) => kinds.filter((k) => k === "busy").length).join(" / ")} busy`);
      const logs = await h.chain.allLogs();
      expect(await h.db.chainEvent.count()).toBe(logs.length);
      const keys = new Set((await h.db.chainEvent.findMany({ select: { txHash: true, logIndex: true } })).map((e) => `${e.txHash}:${e.logIndex}`));
      expect(keys).toEqual(new Set(logs.map((log) => `${log.transactionHash}:${log.logIndex}`)));
      expect(await h.db.indexerCursor.count()).toBe(1);
      expect(await h.db.device.count({ where: { ownerAddress: { not: null } } })).toBe(20);
    } finally {
      await otherDb.$disconnect();
    }
  });
});
