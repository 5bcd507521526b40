import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, DEFAULT_ACCOUNT_ID, ProviderAccounts } from '@centralino/config';
import type { Contact } from '@centralino/contacts';

/**
 * The provider accounts in force: those of start-up, then those of PROVIDER_ACCOUNTS_FILE as it is on
 * disk at each SIGHUP (`kill -HUP <pid>`, the signal that also retrains triage). A reload is how a
 * secret is rotated without a restart: add the new one as the current secret with the old one as
 * `previous...`, reload, switch the provider, then drop the previous one and reload again. An invalid
 * file changes nothing (the reason is logged). Each process reads its own file: reload every instance.
 */
@Injectable()
export class ProviderAccountsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProviderAccountsService.name);
  private accounts: ProviderAccounts;
  private readonly listeners: (() => void)[] = [];
  // A failed reload is logged in reload(); the signal has nobody else to tell.
  private readonly onSignal = (): void => {
    try {
      this.reload();
    } catch {
      // logged
    }
  };

  constructor(private readonly config: AppConfig) {
    this.accounts = config.providerAccounts;
  }

  get current(): ProviderAccounts {
    return this.accounts;
  }

  /** Called after every successful reload (adapters register their bridge when a provider appears). */
  onReload(listener: () => void): void {
    this.listeners.push(listener);
  }

  onApplicationBootstrap(): void {
    if (this.config.providerAccountsPath) process.on('SIGHUP', this.onSignal);
  }

  onApplicationShutdown(): void {
    process.off('SIGHUP', this.onSignal);
  }

  /** Reads the file again and swaps the accounts in whole; throws (and keeps the old ones) if invalid. */
  reload(): ProviderAccounts {
    try {
      this.accounts = this.config.loadProviderAccounts();
    } catch (error) {
      this.logger.error({ reason: (error as Error).message }, 'Provider accounts reload refused');
      throw error;
    }
    const { twilio, vonage, telnyx, generic } = this.accounts;
    // Counts only: ids are not secret, but the log need not list a customer's accounts.
    this.logger.log(
      { twilio: twilio.length, vonage: vonage.length, telnyx: telnyx.length, generic: generic.length },
      'Provider accounts reloaded',
    );
    for (const listener of this.listeners) listener();
    return this.accounts;
  }

  /**
   * The account a contact came in on, among `accounts` (of its provider): by the id stored on it;
   * contacts from before accounts were stored (null) belong to the default, first account. Undefined
   * when that account is no longer configured.
   */
  static accountOf<T extends { id: string }>(accounts: readonly T[], contact: Contact): T | undefined {
    const id = contact.providerAccount ?? DEFAULT_ACCOUNT_ID;
    return (
      accounts.find((account) => account.id === id) ?? (id === DEFAULT_ACCOUNT_ID ? accounts[0] : undefined)
    );
  }
}
