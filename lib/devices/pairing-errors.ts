import { DomainError } from "@/lib/http/errors";

export type PairingErrorCode =
  | "not_registered"
  | "inactive"
  | "already_claimed"
  | "pairing_not_found"
  | "pairing_expired"
  | "pairing_already_signed"
  | "invalid_signature"
  | "chain_not_configured";

const STATUS: Record<PairingErrorCode, number> = {
  not_registered: 404,
  inactive: 409,
  already_claimed: 409,
  pairing_not_found: 404,
  pairing_expired: 410,
  pairing_already_signed: 409,
  invalid_signature: 400,
  chain_not_configured: 503,
};

/** Why a pairing step was refused; `code` is stable for clients, firmware and tests. */
export class PairingError extends DomainError {
  declare readonly code: PairingErrorCode;

  constructor(code: PairingErrorCode, message: string) {
    super(code, message, STATUS[code]);
  }
}
