import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicClient, http, zeroAddress, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { deviceRegistryAbi } from "../../../lib/chain/abi.generated";
import { ensureDeployed } from "../../../lib/chain/deploy";
import { chainTransport } from "../../../lib/chain/transport";
import { createDeviceChainReader } from "../../../lib/devices/chain";
import { ChainIndexer } from "../../../lib/indexer";
import { createClaimedReader } from "../../../lib/rewards/runtime";
import { tempDir } from "../chain/helpers";
import { startIndexerHarness, type IndexerHarness } from "../indexer/harness";
import { startScript } from "../ingest/child-script";
import { deadEndpoint, sickEndpoint } from "./endpoints";

/**
 * RPC_URLS: the first URL is down (connection refused), the second answers
 * 503 to everything, the third is anvil. Every server-side chain client, built
 * the way the app builds it, works: the deployer's writes, the indexer in the
 * real worker process (configured only by RPC_URLS), registry and reward reads.
 */

let h: IndexerHarness;
let sick: Awaited<ReturnType<typeof sickEndpoint>>;
let urls: string[];
const dir = tempDir();

beforeAll(async () => {
  h = await startIndexerHarness(inject("databaseUrl"));
  sick = await sickEndpoint();
  urls = [await deadEndpoint(), sick.url, h.rpcUrl];
}, 180_000);

afterAll(async () => {
  await sick?.close();
  await h?.stop();
  dir.remove();
});

describe("RPC_URLS fallbacks", () => {
  it("deploys through the list (writes and receipts) when the first two endpoints fail", async () => {
    const deployment = await ensureDeployed({ rpcUrl: urls, deploymentsFile: join(dir.path, "fallback-deployments.json") });
    const direct = createPublicClient({ transport: http(h.rpcUrl) });
    const code = await direct.getCode({ address: deployment.contracts.DeviceRegistry });
    expect(code && code.length > 2).toBe(true);
    // Ranking is off: every request tried the endpoints in the configured order, so the sick one saw them.
    expect(sick.hits()).toBeGreaterThan(0);
  }, 120_000);

  it("the worker process, given only RPC_URLS, indexes the chain as a direct indexer would", async () => {
    const alice = await h.fundedAccount();
    const projectId = await h.chain.createProject("Fallback");
    const { devices } = await h.chain.registerDevices(projectId, 5);
    await h.chain.claim(devices[0]!, alice.address);

    const deploymentsFile = join(dir.path, "deployments.json");
    writeFileSync(deploymentsFile, JSON.stringify({ [String(h.deployment.chainId)]: h.deployment }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)));
    const worker = startScript("scripts/worker.ts", {
      NODE_ENV: "production",
      DATABASE_URL: h.databaseUrl,
      RPC_URL: "",
      RPC_URLS: urls.join(","),
      RPC_TIMEOUT_MS: "2000",
      CHAIN_ID: String(h.deployment.chainId),
      DEPLOYMENTS_FILE: deploymentsFile,
      WORKER_TICK_MS: "200",
      INDEXER_CONFIRMATIONS: "0",
    });
    const head = await h.chain.publicClient.getBlockNumber();
    try {
      await worker.waitFor(/chain RPC: 3 endpoints, tried in order/);
      for (let i = 0; i < 600; i++) {
        const cursor = await h.db.indexerCursor.findFirst();
        if (cursor && cursor.blockNumber >= head) break;
        if (worker.process.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    } finally {
      await worker.kill();
    }
    const cursor = await h.db.indexerCursor.findFirst();
    expect(cursor?.blockNumber, worker.output().slice(-3000)).toBeGreaterThanOrEqual(head);
    // Keys in URLs stay out of logs: the worker names hosts only.
    expect(worker.output()).toContain(`tried in order (http://127.0.0.1:`);

    const owned = await h.db.device.findUniqueOrThrow({ where: { address: devices[0]!.address.toLowerCase() } });
    expect(owned.ownerAddress?.toLowerCase()).toBe(alice.address.toLowerCase());
    expect(await h.db.device.count({ where: { project: { onchainId: projectId } } })).toBe(5);

    // The same index from an in-process indexer on the list, into a fresh read: nothing more to do.
    const outcome = await new ChainIndexer({ rpcUrl: urls, deployment: h.deployment, confirmations: 0, batchBlocks: 1000 }).indexNextBatch(h.db);
    expect(outcome.kind).toBe("up-to-date");
  }, 300_000);

  it("registry and reward reads go through the list", async () => {
    const projectId = await h.chain.createProject("Fallback reads");
    const { devices } = await h.chain.registerDevices(projectId, 1);
    const device = devices[0]!.address as Address;
    const registry = createDeviceChainReader({ rpcUrl: urls, chainId: h.deployment.chainId, registry: h.deployment.contracts.DeviceRegistry, timeoutMs: 2000 });
    const info = await registry.deviceInfo(device);
    expect(info.projectId).toBe(projectId);
    expect(info.owner).toBe(zeroAddress);
    const direct = await h.chain.publicClient.readContract({ address: h.deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "deviceInfo", args: [device] });
    expect(info.nonce).toBe(direct.nonce);

    const claimed = createClaimedReader(urls, h.deployment.contracts.RewardDistributor, 2000);
    expect(await claimed.claimedOf(projectId, device)).toBe(0n);
  });

  it("a revert is final: it is not retried on the next endpoint as if the node had failed", async () => {
    const client = createPublicClient({ transport: chainTransport([h.rpcUrl, sick.url]) });
    const before = sick.hits();
    // ownerOf of a token never minted reverts on the healthy first endpoint.
    await expect(client.readContract({ address: h.deployment.contracts.DeviceRegistry, abi: deviceRegistryAbi, functionName: "ownerOf", args: [123456789n] })).rejects.toThrow(/revert/i);
    expect(sick.hits()).toBe(before);
    // While a node failure does move on (here to the sick one, and past it to nothing: the error is the last one's).
    const broken = createPublicClient({ transport: chainTransport([await deadEndpoint(), sick.url], { retryCount: 0 }) });
    await expect(broken.getBlockNumber()).rejects.toThrow();
    expect(sick.hits()).toBe(before + 1);
  });
});
