import { getAddress, stringToHex, zeroAddress } from "viem";
import { describe, expect, it } from "vitest";
import { foldDevice, foldProject } from "./fold";
import { at } from "./test-events";

const alice = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const bob = getAddress("0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc");
const carol = getAddress("0x90f79bf6eb2c4f827a2b8ef1a7ae3d04c4acadc3");
const device = getAddress("0x00000000000000000000000000000000000000ab");
const token = BigInt(device);

const created = at(1, { name: "ProjectCreated", args: { projectId: 1n, admin: alice, name: "Air", metadataURI: "", rewardToken: zeroAddress } });
const registered = at(2, { name: "DeviceRegistered", args: { device, projectId: 1n, model: stringToHex("AQ-Tracker v2", { size: 32 }), claimKey: zeroAddress, registeredBy: alice } });
const claim = (block: number, owner = bob, nonce = 0n) => [
  at(block, { name: "Transfer", args: { from: zeroAddress, to: owner, tokenId: token } }, 0),
  at(block, { name: "DeviceClaimed", args: { device, owner, projectId: 1n, nonce } }, 1),
];
const release = (block: number, owner = bob) => [
  at(block, { name: "Transfer", args: { from: owner, to: zeroAddress, tokenId: token } }, 0),
  at(block, { name: "DeviceReleased", args: { device, previousOwner: owner, projectId: 1n } }, 1),
];

describe("foldProject", () => {
  it("applies metadata, admin and operator changes in chain order", () => {
    const events = [
      at(5, { name: "OperatorRemoved", args: { projectId: 1n, operator: bob } }),
      created,
      at(2, { name: "OperatorAdded", args: { projectId: 1n, operator: bob } }),
      at(3, { name: "OperatorAdded", args: { projectId: 1n, operator: carol } }),
      at(4, { name: "ProjectMetadataUpdated", args: { projectId: 1n, name: "Air 2", metadataURI: "ipfs://m", rewardToken: carol } }),
      at(4, { name: "ProjectAdminTransferred", args: { projectId: 1n, previousAdmin: alice, newAdmin: bob } }, 1),
    ];
    expect(foldProject(events)).toEqual({
      onchainId: 1n,
      name: "Air 2",
      nameAtCreation: "Air",
      metadataUri: "ipfs://m",
      admin: bob,
      rewardToken: carol,
      operators: [carol],
      createdBlock: 1n,
      createdAt: created.blockTime,
    });
  });

  it("is null without ProjectCreated (e.g. reorged out)", () => {
    expect(foldProject([at(2, { name: "OperatorAdded", args: { projectId: 1n, operator: bob } })])).toBeNull();
    expect(foldProject([])).toBeNull();
  });
});

describe("foldDevice", () => {
  it("starts registered, active and unclaimed", () => {
    expect(foldDevice([registered])).toEqual({
      address: device.toLowerCase(),
      projectOnchainId: 1n,
      model: "AQ-Tracker v2",
      claimKey: null,
      active: true,
      owner: null,
      nonce: 0,
      claimedAt: null,
      registeredBlock: 2n,
      registeredAt: registered.blockTime,
    });
  });

  it("follows claim, transfer, release, claim again and deactivation", () => {
    const events = [
      registered,
      ...claim(3),
      at(4, { name: "Transfer", args: { from: bob, to: carol, tokenId: token } }),
      ...release(5, carol),
      ...claim(6, alice, 1n),
      at(7, { name: "DeviceActiveSet", args: { device, projectId: 1n, active: false, setBy: alice } }),
    ];
    const afterTransfer = foldDevice(events.slice(0, 4));
    expect(afterTransfer).toMatchObject({ owner: carol, nonce: 1, claimedAt: events[2]?.blockTime });
    expect(foldDevice(events.slice(0, 6))).toMatchObject({ owner: null, claimedAt: null, nonce: 1 });
    expect(foldDevice(events)).toMatchObject({ owner: alice, nonce: 2, active: false, claimedAt: new Date(1_700_000_006_000) });
  });

  it("does not depend on the order events are given in", () => {
    const events = [registered, ...claim(3), ...release(4)];
    expect(foldDevice([...events].reverse())).toEqual(foldDevice(events));
  });

  it("is null without DeviceRegistered, and keeps the claim key", () => {
    expect(foldDevice(claim(3))).toBeNull();
    const withKey = at(2, { name: "DeviceRegistered", args: { ...registered.args, claimKey: carol } } as typeof registered);
    expect(foldDevice([withKey])?.claimKey).toBe(carol);
  });
});
