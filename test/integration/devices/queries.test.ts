import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDbClient, type PrismaClient } from "@/lib/db/create-client";
import { devicePreview, ownedDevices } from "@/lib/devices/queries";

let db: PrismaClient;
const owner = privateKeyToAccount(generatePrivateKey()).address;
const device = privateKeyToAccount(generatePrivateKey()).address;

beforeAll(async () => {
  db = createDbClient(inject("databaseUrl"));
  const project = await db.project.create({ data: { chainId: 31337, slug: `queries-${Date.now()}`, name: "Query Fleet", adminAddress: owner } });
  // As the indexer writes them: lowercase device address, checksummed owner.
  await db.device.create({ data: { address: device.toLowerCase(), projectId: project.id, model: "AQ-Tracker v2", ownerAddress: getAddress(owner), claimedAt: new Date() } });
});

afterAll(async () => {
  await db.$disconnect();
});

describe("device queries (chain index)", () => {
  it("lists the devices an owner holds, whatever the address case", async () => {
    expect((await ownedDevices(db, owner)).map((d) => d.address)).toEqual([device]);
    expect((await ownedDevices(db, owner.toLowerCase() as `0x${string}`)).map((d) => d.address)).toEqual([device]);
  });

  it("previews a registered and an unknown device", async () => {
    expect(await devicePreview(db, device)).toMatchObject({ registered: true, owner, project: { name: "Query Fleet" }, model: "AQ-Tracker v2" });
    expect(await devicePreview(db, owner)).toMatchObject({ registered: false, owner: null });
  });
});
