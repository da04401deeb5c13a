import {
  type BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  InsufficientFundsError,
  UserRejectedRequestError,
  zeroAddress,
} from "viem";
import { describe, expect, it } from "vitest";
import { deviceRegistryAbi } from "@/lib/chain/abi.generated";
import { explainFailure, FAILURE_MESSAGES } from "./claim-errors";

const device = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

/** What viem throws when simulateContract / writeContract hits a custom-error revert. */
function reverted(errorName: string, args: readonly unknown[]): BaseError {
  const data = encodeErrorResult({ abi: deviceRegistryAbi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  const cause = new ContractFunctionRevertedError({ abi: deviceRegistryAbi, data, functionName: "claim" });
  return new ContractFunctionExecutionError(cause, { abi: deviceRegistryAbi, functionName: "claim", args: [], contractAddress: zeroAddress });
}

describe("explainFailure", () => {
  it.each([
    ["DeviceNotRegistered", [device], "not_registered"],
    ["DeviceInactive", [device], "inactive"],
    ["DeviceAlreadyClaimed", [device, device], "already_claimed"],
    ["ClaimExpired", [1n, 2n], "expired"],
    ["InvalidClaimSignature", [device], "invalid_signature"],
    ["NotDeviceOwner", [device, device], "not_owner"],
    ["ERC721InsufficientApproval", [device, 1n], "not_owner"],
  ] as const)("decodes %s", (name, args, code) => {
    const explained = explainFailure(reverted(name, args));
    expect(explained.code).toBe(code);
    expect(explained.message).toBe(FAILURE_MESSAGES[code]);
  });

  it("names a wallet rejection", () => {
    const error = new ContractFunctionExecutionError(new UserRejectedRequestError(new Error("User rejected the request.")), {
      abi: deviceRegistryAbi,
      functionName: "claim",
      args: [],
      contractAddress: zeroAddress,
    });
    expect(explainFailure(error).code).toBe("rejected");
    expect(explainFailure({ code: 4001, message: "rejected" }).code).toBe("rejected");
  });

  it("names a wrong network by the wallet library's error name", () => {
    class ConnectorChainMismatchError extends Error {
      override name = "ConnectorChainMismatchError";
    }
    expect(explainFailure(new ConnectorChainMismatchError("chain 1 vs 31337")).code).toBe("wrong_network");
    expect(explainFailure(new Error("outer", { cause: new ConnectorChainMismatchError("x") })).code).toBe("wrong_network");
  });

  it("names missing funds", () => {
    expect(explainFailure(new InsufficientFundsError()).code).toBe("insufficient_funds");
  });

  it("falls back to unknown, keeping the first line as detail", () => {
    expect(explainFailure(new Error("boom\nstack"))).toEqual({ code: "unknown", message: FAILURE_MESSAGES.unknown, detail: "boom" });
    expect(explainFailure("weird").code).toBe("unknown");
  });
});
