import type { GenericGateway, TelnyxAccount, TwilioAccount, VonageAccount } from '@centralino/config';
import { DomainError } from '@centralino/contacts';

/**
 * Which account a webhook is for, from what the request claims (before its signature is checked: the
 * claim only chooses whose secrets check it, so a request claiming account B but signed with account A's
 * secret fails B's check). A claim no account has is refused (`signature_account_unknown`, 403), unless
 * the single-account variables configure an account without an id: that one answers for any id no other
 * account has, as it did before accounts had ids. No claim at all: the default (first) account.
 */
export function twilioAccountFor(
  accounts: readonly TwilioAccount[],
  accountSid: string | undefined,
): TwilioAccount {
  if (!accountSid) return first(accounts, 'twilio');
  const account =
    accounts.find((candidate) => candidate.accountSid === accountSid) ??
    accounts.find((candidate) => candidate.accountSid === null);
  if (!account) throw unknown('Twilio', `AccountSid ${clip(accountSid)}`);
  return account;
}

/** The signed callback's `application_id` claim names the account; its `api_key`, when both say one, must agree. */
export function vonageAccountFor(
  accounts: readonly VonageAccount[],
  claims: { application_id?: unknown; api_key?: unknown },
): VonageAccount {
  const applicationId = typeof claims.application_id === 'string' ? claims.application_id : undefined;
  const apiKey = typeof claims.api_key === 'string' ? claims.api_key : undefined;
  if (!applicationId && !apiKey) return first(accounts, 'vonage');
  const named = applicationId
    ? accounts.find((candidate) => candidate.applicationId === applicationId)
    : accounts.find((candidate) => candidate.apiKey !== null && candidate.apiKey === apiKey);
  if (named) {
    if (named.apiKey && apiKey && named.apiKey !== apiKey) {
      throw unknown('Vonage', `api_key ${clip(apiKey)} of application ${clip(applicationId ?? '')}`);
    }
    return named;
  }
  const open = accounts.find((candidate) => candidate.applicationId === null);
  if (!open)
    throw unknown(
      'Vonage',
      applicationId ? `application ${clip(applicationId)}` : `api_key ${clip(apiKey!)}`,
    );
  return open;
}

/**
 * The Telnyx accounts whose keys may have signed an event: those listing its `connection_id`, else those
 * that list none (any connection). Telnyx signs with one key per Telnyx account, so the key that verifies
 * then tells which of them it is.
 */
export function telnyxCandidates(
  accounts: readonly TelnyxAccount[],
  connectionId: string | undefined,
): readonly TelnyxAccount[] {
  if (!connectionId) return accounts;
  const owners = accounts.filter((account) => account.connectionIds.includes(connectionId));
  if (owners.length > 0) return owners;
  const open = accounts.filter((account) => account.connectionIds.length === 0);
  if (open.length === 0) throw unknown('Telnyx', `connection ${clip(connectionId)}`);
  return open;
}

/** `Webhook-Key-Id` names one gateway; without it, every gateway's secrets are tried. */
export function genericCandidates(
  gateways: readonly GenericGateway[],
  keyId: string | undefined,
): readonly GenericGateway[] {
  if (!keyId) return gateways;
  const gateway = gateways.find((candidate) => candidate.id === keyId);
  if (!gateway) throw unknown('generic webhook', `key id ${clip(keyId)}`);
  return [gateway];
}

/**
 * The first candidate whose secrets verify the request. A refusal that does not depend on the secret
 * (no signature, a stale timestamp) is thrown at once; if no candidate's secret matches, the last
 * `signature_invalid` is.
 */
export function firstVerified<T>(candidates: readonly T[], verify: (candidate: T) => void): T {
  let refusal: unknown = new DomainError('signature_invalid', 'The signature matches no configured secret');
  for (const candidate of candidates) {
    try {
      verify(candidate);
      return candidate;
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'signature_invalid') throw error;
      refusal = error;
    }
  }
  throw refusal;
}

/**
 * A webhook about a contact centralino already has must come from the contact's own account (`owner`:
 * the account centralino uses for it, ProviderAccountsService.accountOf; undefined when no longer
 * configured). A valid signature of another account of the same provider proves only who sent it, not
 * that the call is theirs to end or steer: refused with `signature_account_mismatch` (403, counted in
 * the signature failures as `account_mismatch`). The answer names neither the owner nor the contact.
 */
export function assertSignedByOwner(
  owner: { id: string } | undefined,
  signer: { id: string },
  provider: string,
): void {
  if (owner && owner.id === signer.id) return;
  throw new DomainError(
    'signature_account_mismatch',
    `This call belongs to another ${provider} account than the one that signed the webhook`,
  );
}

function first<T>(accounts: readonly T[], provider: string): T {
  const account = accounts[0];
  if (!account) throw new Error(`No ${provider} account is configured`);
  return account;
}

function unknown(provider: string, what: string): DomainError {
  return new DomainError(
    'signature_account_unknown',
    `${what} is not one of the ${provider} accounts configured (PROVIDER_ACCOUNTS_FILE)`,
  );
}

/** Ids come from the request: logged and answered, so never longer than an id can be. */
function clip(value: string): string {
  return value.length > 64 ? `${value.slice(0, 64)}...` : value;
}
