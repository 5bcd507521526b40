import { Injectable, Logger } from '@nestjs/common';
import { DEFAULT_ACCOUNT_ID } from '@centralino/config';
import { Contact, DomainError } from '@centralino/contacts';
import { ContactRepository } from '@centralino/persistence';
import { assertSignedByOwner } from './account-resolution';
import { ProviderAccountsService } from './provider-accounts.service';

/** The providers whose webhooks are signed by one of several accounts (PROVIDER_ACCOUNTS_FILE). */
export type AccountProvider = 'twilio' | 'vonage' | 'telnyx' | 'generic';

const LABELS: Record<AccountProvider, string> = {
  twilio: 'Twilio',
  vonage: 'Vonage',
  telnyx: 'Telnyx',
  generic: 'generic gateway',
};

/**
 * The follow-up webhooks of a call (status, hang-up, input, message-flow answers, callback reports,
 * further texts of a conversation) are accepted only from the account the contact belongs to: the one that
 * created it (`contacts.provider_account`; none stored: the default account). Each controller checks,
 * after the signature and before it changes anything, the contact its webhook is about; one of another
 * account is refused with `403 signature_account_mismatch` and nothing is changed. A webhook about a
 * call centralino does not know has nothing to protect and goes on as before. The first event of a
 * call (a call.started, a menu answer) is checked by intake instead, on the contact its creation finds
 * (`ReceiveOptions.knownContact` → assertOwner): a new call costs no read for the check.
 */
@Injectable()
export class AccountOwnership {
  private readonly logger = new Logger(AccountOwnership.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly accounts: ProviderAccountsService,
  ) {}

  /** The contact of `provider`'s call `externalId`, refused unless `signerId` is its account; null: none. */
  async callOf(provider: AccountProvider, externalId: string, signerId: string): Promise<Contact | null> {
    const contact = await this.contacts.findByExternalId(provider, externalId);
    if (contact) this.assertOwner(provider, contact, signerId);
    return contact;
  }

  /**
   * Refuses a webhook about `contact` signed by `signerId` unless that is `owner`: by default the account
   * the contact came in on; a callback's outbound call placed for a contact of another provider or
   * channel (a chat) passes the account that placed it.
   */
  assertOwner(
    provider: AccountProvider,
    contact: Contact,
    signerId: string,
    owner: { id: string } | undefined = this.ownerOf(provider, contact),
  ): void {
    try {
      assertSignedByOwner(owner, { id: signerId }, LABELS[provider]);
    } catch (error) {
      if (error instanceof DomainError) {
        this.logger.warn(
          {
            provider,
            contactId: contact.id,
            account: contact.providerAccount ?? DEFAULT_ACCOUNT_ID,
            signedBy: signerId,
          },
          'Webhook about a contact of another account refused',
        );
      }
      throw error;
    }
  }

  /** As assertOwner, for providers named by a string (the provider-neutral flows); others are not checked. */
  assertOwnerOf(provider: string, contact: Contact, signerId: string): void {
    if (Object.hasOwn(LABELS, provider)) this.assertOwner(provider as AccountProvider, contact, signerId);
  }

  private ownerOf(provider: AccountProvider, contact: Contact): { id: string } | undefined {
    const accounts: readonly { id: string }[] = this.accounts.current[provider];
    return ProviderAccountsService.accountOf(accounts, contact);
  }
}
