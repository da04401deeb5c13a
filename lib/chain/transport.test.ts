import { describe, expect, it } from "vitest";
import { parseServerEnv } from "../config/env";
import { ContractFunctionRevertedError, createPublicClient, parseAbi } from "viem";
import { chainTransport, isRpcUnavailable, redactRpcUrl, rpcEndpointList } from "./transport";

describe("RPC endpoints", () => {
  it("RPC_URLS is a comma-separated list in order; RPC_URL is its first entry", () => {
    const env = parseServerEnv({ RPC_URLS: " https://a.example/v3/key , http://127.0.0.1:8545,https://b.example " });
    expect(env.RPC_URLS).toEqual(["https://a.example/v3/key", "http://127.0.0.1:8545", "https://b.example"]);
    expect(env.RPC_URL).toBe("https://a.example/v3/key");
  });

  it("RPC_URL alone stays valid, and comes first when both are set (without repeats)", () => {
    expect(parseServerEnv({ RPC_URL: "http://127.0.0.1:8545" }).RPC_URLS).toEqual(["http://127.0.0.1:8545"]);
    const both = parseServerEnv({ RPC_URL: "http://127.0.0.1:8545", RPC_URLS: "https://a.example,http://127.0.0.1:8545" });
    expect(both.RPC_URLS).toEqual(["http://127.0.0.1:8545", "https://a.example"]);
    expect(both.RPC_URL).toBe("http://127.0.0.1:8545");
  });

  it("no RPC configured: an empty list and no RPC_URL", () => {
    const env = parseServerEnv({});
    expect(env.RPC_URLS).toEqual([]);
    expect(env.RPC_URL).toBeUndefined();
  });

  it("refuses a list with a bad or empty entry set", () => {
    expect(() => parseServerEnv({ RPC_URLS: "https://a.example,ftp://b.example" })).toThrow(/RPC_URLS/);
    expect(() => parseServerEnv({ RPC_URLS: "not a url" })).toThrow(/RPC_URLS/);
    expect(() => parseServerEnv({ RPC_URLS: " , ," })).toThrow(/RPC_URLS/);
    expect(() => parseServerEnv({ RPC_TIMEOUT_MS: "5" })).toThrow(/RPC_TIMEOUT_MS/);
  });

  it("one URL is a plain http transport; several are a fallback transport that keeps their order", () => {
    expect(chainTransport("http://127.0.0.1:1")({ retryCount: 0 }).config.type).toBe("http");
    const transport = chainTransport(["http://127.0.0.1:1", "http://127.0.0.1:2"])({});
    expect(transport.config.type).toBe("fallback");
    const inner = (transport.value as { transports: Array<{ value?: { url?: string } }> }).transports;
    expect(inner.map((t) => t.value?.url)).toEqual(["http://127.0.0.1:1", "http://127.0.0.1:2"]);
    expect(() => chainTransport([])).toThrow(/no RPC URL/);
    expect(rpcEndpointList(["a", " a ", "", "b"])).toEqual(["a", "b"]);
  });

  it("logs show an endpoint's host, never its key", () => {
    expect(redactRpcUrl("https://iotex.example.com/v3/secret-key?x=1")).toBe("https://iotex.example.com");
    expect(redactRpcUrl("https://user:pw@node.example:8443/rpc")).toBe("https://node.example:8443");
  });
});

describe("isRpcUnavailable", () => {
  it("a refused connection is unavailability; a revert or a plain error is not", async () => {
    const client = createPublicClient({ transport: chainTransport(["http://127.0.0.1:1", "http://127.0.0.1:2"], { retryCount: 0, timeoutMs: 1000 }) });
    const refused = await client.getBlockNumber().catch((error: unknown) => error);
    expect(isRpcUnavailable(refused)).toBe(true);
    expect(isRpcUnavailable(new Error("connect ECONNREFUSED"))).toBe(false);
    expect(isRpcUnavailable(new ContractFunctionRevertedError({ abi: parseAbi(["function f()"]), functionName: "f" }))).toBe(false);
  });
});
