import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createPublicClient, http } from "viem";
import { afterAll, describe, expect, it } from "vitest";
import { waitForRpc } from "../../../lib/chain/anvil";
import { ensureDeployed } from "../../../lib/chain/deploy";
import { readDeployment } from "../../../lib/chain/deployments";
import { anvilPool, tempDir } from "./helpers";

const anvils = anvilPool();
const dir = tempDir();
afterAll(async () => {
  await anvils.stopAll();
  dir.remove();
});

async function blockNumber(rpcUrl: string): Promise<bigint> {
  return createPublicClient({ transport: http(rpcUrl) }).getBlockNumber();
}

async function hasCode(rpcUrl: string, address: `0x${string}`): Promise<boolean> {
  const code = await createPublicClient({ transport: http(rpcUrl) }).getCode({ address });
  return Boolean(code && code !== "0x");
}

describe("ensureDeployed", () => {
  it("deploys once, then reuses the recorded deployment", async () => {
    const anvil = await anvils.start();
    const deploymentsFile = join(dir.path, "reuse", "deployments.json");
    const messages: string[] = [];
    const log = (message: string) => messages.push(message);

    const first = await ensureDeployed({ rpcUrl: anvil.rpcUrl, deploymentsFile, log });
    expect(first.chainId).toBe(31337);
    expect(await hasCode(anvil.rpcUrl, first.contracts.ProjectRegistry)).toBe(true);
    expect(await hasCode(anvil.rpcUrl, first.contracts.DeviceRegistry)).toBe(true);
    expect(readDeployment(deploymentsFile, 31337)).toEqual(first);
    expect(Object.keys(JSON.parse(readFileSync(deploymentsFile, "utf8")) as object)).toEqual(["31337"]);

    const blocksAfterDeploy = await blockNumber(anvil.rpcUrl);
    const second = await ensureDeployed({ rpcUrl: anvil.rpcUrl, deploymentsFile, log });
    expect(second).toEqual(first);
    expect(await blockNumber(anvil.rpcUrl)).toBe(blocksAfterDeploy); // no transaction sent
    expect(messages.filter((m) => m.startsWith("deployed"))).toHaveLength(1);
    expect(messages.some((m) => m.startsWith("reusing"))).toBe(true);
  });

  it("redeploys on a fresh chain even when the recorded addresses look the same", async () => {
    const deploymentsFile = join(dir.path, "fresh", "deployments.json");
    const firstChain = await anvils.start();
    const first = await ensureDeployed({ rpcUrl: firstChain.rpcUrl, deploymentsFile });
    await firstChain.stop();

    // A fresh anvil: same deployer and nonce give the same addresses, but nothing is deployed there yet.
    // Its genesis hash differs only if it started in another second, so the code check must catch it.
    const secondChain = await anvils.start();
    const messages: string[] = [];
    const second = await ensureDeployed({ rpcUrl: secondChain.rpcUrl, deploymentsFile, log: (m) => messages.push(m) });
    expect(messages.some((m) => m.startsWith("redeploying"))).toBe(true);
    expect(messages.some((m) => m.startsWith("deployed"))).toBe(true);
    expect(await hasCode(secondChain.rpcUrl, second.contracts.DeviceRegistry)).toBe(true);
    expect(readDeployment(deploymentsFile, 31337)).toEqual(second);
    expect(second.deployedAt >= first.deployedAt).toBe(true);
  });

  it("keeps the chain and its deployment across an anvil restart with a state file", async () => {
    const statePath = join(dir.path, "persist", "anvil", "state.json");
    const deploymentsFile = join(dir.path, "persist", "deployments.json");
    const before = await anvils.start(statePath);
    const deployed = await ensureDeployed({ rpcUrl: before.rpcUrl, deploymentsFile });
    const height = await blockNumber(before.rpcUrl);
    await before.stop();
    await expect(waitForRpc(before.rpcUrl, 300)).rejects.toThrow(); // really gone

    const after = await anvils.start(statePath);
    expect(await blockNumber(after.rpcUrl)).toBe(height);
    const messages: string[] = [];
    const reused = await ensureDeployed({ rpcUrl: after.rpcUrl, deploymentsFile, log: (m) => messages.push(m) });
    expect(reused).toEqual(deployed);
    expect(messages.some((m) => m.startsWith("reusing"))).toBe(true);
  });

  it("rejects a malformed deployments file instead of overwriting it", async () => {
    const deploymentsFile = join(dir.path, "bad", "deployments.json");
    mkdirSync(dirname(deploymentsFile), { recursive: true });
    writeFileSync(deploymentsFile, JSON.stringify({ "31337": { chainId: 1 } }));
    const anvil = await anvils.start();
    await expect(ensureDeployed({ rpcUrl: anvil.rpcUrl, deploymentsFile })).rejects.toThrow(/not a valid deployments file/);
  });
});
