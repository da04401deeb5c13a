import { describe, expect, it } from "vitest";
import { epochErrorForDisplay } from "./epoch-error";

describe("epoch failure shown to admins", () => {
  it("keeps the reason and drops RPC URLs (API keys) and server paths", () => {
    const raw = [
      'The contract function "finalizeEpoch" reverted. Docs: /work/app/node_modules/viem/_esm/errors.js:12:3',
      "",
      "Error: PoolTooSmall(uint256 pool, uint256 needed)",
      "                  (0, 4500000000000000)",
      " ",
      "URL: https://mainnet.example-rpc.io/v3/0123456789abcdef?key=secret",
      "at /work/app/lib/rewards/epoch-job.ts:60:44",
    ].join("\n");
    const shown = epochErrorForDisplay(raw)!;
    expect(shown).toContain("PoolTooSmall");
    expect(shown).not.toMatch(/example-rpc|0123456789abcdef|secret|\/work\/|epoch-job/);
    expect(epochErrorForDisplay(null)).toBeNull();
    expect(epochErrorForDisplay("x".repeat(5000))).toHaveLength(500);
  });
});
