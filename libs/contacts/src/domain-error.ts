/**
 * An error the domain raises on purpose. `code` is stable and machine-readable; the one exception filter
 * maps codes to HTTP statuses and socket error payloads, so the domain never knows about transports.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export type DomainErrorCode =
  | 'validation_failed'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  /** A webhook names a provider account (AccountSid, application, gateway key id) centralino does not have. */
  | 'signature_account_unknown'
  /**
   * A webhook about an existing contact signed by another account of its provider than the contact's
   * own (validly signed, but not that account's call to change).
   */
  | 'signature_account_mismatch'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'illegal_transition'
  | 'conflict'
  | 'offer_not_pending'
  | 'operator_not_available'
  | 'unknown_call'
  | 'rate_limited'
  | 'message_too_long'
  | 'conversation_ended'
  | 'unsupported'
  | 'not_implemented';
