import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LOCAL_DEV_PRIVATE_KEY } from "../../../lib/chain/deploy";
import { seedDemo } from "../../../lib/seed/demo";
import { demoDevices } from "../../../lib/seed/demo-fleet";
import { startIndexerHarness, type IndexerHarness } from "./harness";

let h: IndexerHarness;

beforeAll(async () => {
  h = await startIndexerHarness(inject("databaseUrl"));
});

afterAll(async () => {
  await h?.stop();
});

const seed = () => seedDemo({ db: h.db, rpcUrl: h.rpcUrl, deployment: h.deployment, adminPrivateKey: LOCAL_DEV_PRIVATE_KEY, log: () => undefined });

describe("demo seed on top of the indexer", () => {
  it("creates the project on-chain; the index holds it, the seed adds slug and serials", async () => {
    await seed();
    const project = await h.db.project.findUniqueOrThrow({ where: { slug: "demo" }, include: { devices: { orderBy: { serial: "asc" } } } });
    expect(project).toMatchObject({ chainId: 31337, onchainId: 1n, name: "DePIN Hub Demo", adminAddress: h.chain.admin.address });
    expect(project.devices.map((d) => [d.address, d.serial, d.model])).toEqual(demoDevices().map((d) => [d.address.toLowerCase(), d.serial, d.model]));
    expect(project.devices.every((d) => d.registeredBlock !== null)).toBe(true);
  });

  it("is idempotent: a second run sends no transaction and keeps the rows", async () => {
    const height = await h.chain.publicClient.getBlockNumber({ cacheTime: 0 });
    await seed();
    expect(await h.chain.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(height);
    expect(await h.db.project.count()).toBe(1);
    expect(await h.db.device.count({ where: { serial: { not: null } } })).toBe(5);
  });

  it("re-annotates after the index was rebuilt from scratch (e.g. a new deployment record)", async () => {
    await h.db.device.deleteMany();
    await h.db.project.deleteMany();
    await h.db.indexerCursor.deleteMany();
    await seed();
    expect(await h.db.project.findUniqueOrThrow({ where: { slug: "demo" } })).toMatchObject({ onchainId: 1n });
    expect(await h.db.device.count({ where: { serial: { not: null } } })).toBe(5);
    expect(await h.chain.publicClient.readContract({ address: h.deployment.contracts.ProjectRegistry, abi: (await import("../../../lib/chain/abi.generated")).projectRegistryAbi, functionName: "projectCount" })).toBe(1n);
  });
});
