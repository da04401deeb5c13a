import { DomainError } from "@/lib/http/errors";

export type SignInErrorCode =
  | "invalid_message"
  | "domain_mismatch"
  | "host_mismatch"
  | "uri_mismatch"
  | "wrong_chain"
  | "message_expired"
  | "message_not_yet_valid"
  | "nonce_unknown"
  | "nonce_used"
  | "nonce_expired"
  | "bad_signature";

/**
 * Why a Sign-In with Ethereum attempt was rejected. A malformed message is a
 * 400; everything else means "not authenticated" (401).
 */
export class SignInError extends DomainError {
  declare readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string) {
    super(code, message, code === "invalid_message" ? 400 : 401);
  }
}
