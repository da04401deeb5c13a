import { encodeAbiParameters, encodeEventTopics, getAddress, stringToHex, zeroAddress, type Address } from "viem";
import { describe, expect, it } from "vitest";
import { deviceRegistryAbi, projectRegistryAbi } from "../chain/abi.generated";
import { decodeContractLog, toProjectionEvent, tokenIdToDevice } from "./events";
import type { Deployment } from "../chain/deployments";
import { rawLog } from "./test-events";

const contracts = {
  ProjectRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  DeviceRegistry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  RewardToken: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  Stablecoin: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
  PoseidonT3: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
  RewardBatchVerifier: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  RewardDistributor: "0x0165878A594ca255338adfa4d48449f69242Eb8F",
  Marketplace: "0xa513e6e4b8f2a923d98304ec87f64353c4d5c853",
} as const satisfies Deployment["contracts"];
const admin = getAddress("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");
const device = getAddress("0x00000000000000000000000000000000000000ab");

describe("decodeContractLog", () => {
  it("decodes ProjectCreated with JSON-safe arguments and its project as subject", () => {
    const topics = encodeEventTopics({ abi: projectRegistryAbi, eventName: "ProjectCreated", args: { projectId: 7n, admin } });
    const data = encodeAbiParameters([{ type: "string" }, { type: "string" }, { type: "address" }], ["Weather", "ipfs://x", zeroAddress]);
    const event = decodeContractLog(rawLog(contracts.ProjectRegistry, topics, data, { blockNumber: 42n, logIndex: 3 }), contracts);
    expect(event).toMatchObject({
      contract: "ProjectRegistry",
      name: "ProjectCreated",
      args: { projectId: "7", admin, name: "Weather", metadataURI: "ipfs://x", rewardToken: zeroAddress },
      blockNumber: 42n,
      logIndex: 3,
      projectOnchainId: 7n,
      device: null,
    });
    expect(JSON.parse(JSON.stringify(event?.args))).toEqual(event?.args);
  });

  it("takes an ERC-721 Transfer's device from its token id, lowercase", () => {
    const topics = encodeEventTopics({ abi: deviceRegistryAbi, eventName: "Transfer", args: { from: zeroAddress, to: admin, tokenId: BigInt(device) } });
    const event = decodeContractLog(rawLog(contracts.DeviceRegistry, topics, "0x"), contracts);
    expect(event).toMatchObject({ name: "Transfer", device: device.toLowerCase(), projectOnchainId: null, args: { tokenId: BigInt(device).toString() } });
  });

  it("decodes DeviceRegistered with device and project subjects", () => {
    const topics = encodeEventTopics({ abi: deviceRegistryAbi, eventName: "DeviceRegistered", args: { device, projectId: 2n } });
    const data = encodeAbiParameters([{ type: "bytes32" }, { type: "address" }, { type: "address" }], [stringToHex("WS-1", { size: 32 }), zeroAddress, admin]);
    expect(decodeContractLog(rawLog(contracts.DeviceRegistry, topics, data), contracts)).toMatchObject({ device: device.toLowerCase(), projectOnchainId: 2n });
  });

  it("ignores other addresses and unknown events", () => {
    const topics = encodeEventTopics({ abi: projectRegistryAbi, eventName: "OperatorAdded", args: { projectId: 1n, operator: admin } });
    expect(decodeContractLog(rawLog(admin, topics, "0x"), contracts)).toBeNull();
    expect(decodeContractLog(rawLog(contracts.ProjectRegistry, [`0x${"12".repeat(32)}`], "0x"), contracts)).toBeNull();
  });

  it("matches contract addresses case-insensitively", () => {
    const topics = encodeEventTopics({ abi: projectRegistryAbi, eventName: "OperatorAdded", args: { projectId: 1n, operator: admin } });
    const lower = contracts.ProjectRegistry.toLowerCase() as Address;
    expect(decodeContractLog(rawLog(lower, topics, "0x"), contracts)?.name).toBe("OperatorAdded");
  });
});

describe("toProjectionEvent", () => {
  const position = { blockNumber: 5n, logIndex: 1, blockTime: new Date(0) };

  it("types stored arguments back (bigints, checksummed addresses)", () => {
    const event = toProjectionEvent({ ...position, name: "DeviceClaimed", args: { device: device.toLowerCase(), owner: admin.toLowerCase(), projectId: "1", nonce: "4" } });
    expect(event).toEqual({ ...position, name: "DeviceClaimed", args: { device, owner: admin, projectId: 1n, nonce: 4n } });
  });

  it("skips events no projection uses", () => {
    expect(toProjectionEvent({ ...position, name: "ApprovalForAll", args: { owner: admin, operator: admin, approved: true } })).toBeNull();
  });

  it("throws on malformed arguments of a known event", () => {
    expect(() => toProjectionEvent({ ...position, name: "DeviceActiveSet", args: { device, projectId: "x" } })).toThrow(/Malformed DeviceActiveSet/);
  });
});

describe("tokenIdToDevice", () => {
  it("pads to 20 bytes", () => {
    expect(tokenIdToDevice(0xabn)).toBe("0x00000000000000000000000000000000000000ab");
  });
});
