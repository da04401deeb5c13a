import { BaseError, ContractFunctionRevertedError, UserRejectedRequestError } from "viem";

/** Every way a claim, transfer or release can fail, in words an owner understands. */
export const FAILURE_MESSAGES = {
  wrong_network: "Your wallet is on another network. Switch to the network DePIN Hub runs on and try again.",
  not_registered: "This device is not registered with any project, so it cannot be claimed. Check the address on its label.",
  already_claimed: "This device is already claimed by another wallet. Its owner must release it before it can be claimed again.",
  expired: "The device's signature has expired. Start the claim again to get a fresh one.",
  rejected: "You rejected the request in your wallet. Nothing was sent.",
  inactive: "This device has been deactivated by its project and cannot be claimed right now.",
  invalid_signature: "The signature is not from this device or its claim key (or it was already used). Check that the label belongs to this device.",
  not_owner: "Only the device's owner can do this. Connect the wallet that owns it.",
  insufficient_funds: "Your wallet does not have enough funds to pay for the transaction fee.",
  unknown: "The transaction failed for an unexpected reason.",
} as const;

export type FailureCode = keyof typeof FAILURE_MESSAGES;

export interface ExplainedFailure {
  code: FailureCode;
  message: string;
  /** First line of the underlying error, for "details" disclosure; never needed to act. */
  detail?: string;
}

/** DeviceRegistry's custom errors (and ERC-721's) mapped to failure codes. */
const REVERT_CODES: Record<string, FailureCode> = {
  DeviceNotRegistered: "not_registered",
  DeviceInactive: "inactive",
  DeviceAlreadyClaimed: "already_claimed",
  ClaimExpired: "expired",
  InvalidClaimSignature: "invalid_signature",
  NotDeviceOwner: "not_owner",
  ERC721NonexistentToken: "not_owner",
  ERC721InsufficientApproval: "not_owner",
  ERC721IncorrectOwner: "not_owner",
};

// Wallet/connector errors recognised by name: wagmi's classes are not importable from pure code.
const WRONG_NETWORK_ERRORS = new Set(["ChainMismatchError", "ConnectorChainMismatchError", "ChainNotConfiguredError", "SwitchChainError"]);

export function failure(code: FailureCode, detail?: string): ExplainedFailure {
  return { code, message: FAILURE_MESSAGES[code], ...(detail ? { detail } : {}) };
}

function firstLine(error: unknown): string | undefined {
  if (error instanceof BaseError) return error.shortMessage;
  if (error instanceof Error) return error.message.split("\n")[0];
  return undefined;
}

function hasName(error: unknown, names: Set<string>): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 10; depth++) {
    if (names.has(current.name)) return true;
    current = current.cause;
  }
  return false;
}

/** Turns anything thrown while simulating, signing or sending into a plain-words failure. */
export function explainFailure(error: unknown): ExplainedFailure {
  const detail = firstLine(error);
  if (hasName(error, WRONG_NETWORK_ERRORS)) return failure("wrong_network", detail);
  if (error instanceof BaseError) {
    const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (reverted instanceof ContractFunctionRevertedError) {
      const code = reverted.data?.errorName ? REVERT_CODES[reverted.data.errorName] : undefined;
      if (code) return failure(code, detail);
    }
    if (error.walk((e) => e instanceof UserRejectedRequestError)) return failure("rejected", detail);
    if (error.walk((e) => e instanceof BaseError && e.name === "InsufficientFundsError")) return failure("insufficient_funds", detail);
  }
  // EIP-1193 "user rejected" from wallets that do not go through viem's error classes.
  if (typeof error === "object" && error !== null && (error as { code?: unknown }).code === 4001) return failure("rejected", detail);
  return failure("unknown", detail);
}
