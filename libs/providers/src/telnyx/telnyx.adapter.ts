import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { AppConfig, TelnyxAccount } from '@centralino/config';
import { Contact } from '@centralino/contacts';
import { OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { CallBridge, CallBridges, OutboundCallback } from '@centralino/routing';
import { CallAction } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { firstVerified, telnyxCandidates } from '../accounts/account-resolution';
import { ProviderAccountsService } from '../accounts/provider-accounts.service';
import { TelnyxSignatureVerifier } from './telnyx-signature.verifier';
import { encodeClientState, TelnyxCommand, TelnyxRenderer } from './telnyx.renderer';

export const TELNYX_PROVIDER = 'telnyx';

/**
 * Telnyx Call Control v2: configuration, Ed25519 webhook check, and the command client that turns the
 * neutral call actions into REST commands. Each command carries a `command_id` derived from the event
 * that caused it, so a retried event never executes a command twice.
 *
 * Operator connect: the caller waits in a Telnyx queue named after the problem type; when an operator
 * accepts, the call is `transfer`red to the operator's endpoint (SIP URI or number; a `client:` identity
 * becomes `sip:<identity>@sip.telnyx.com`, a Telnyx credential connection).
 *
 * Callbacks (docs/routing.md, "Callbacks that keep their place"): while one can be offered, a key loop
 * (`gather_using_speak`, `client_state` `:hold`) runs on the call parked in its queue; the outbound call
 * is a `POST /calls` through the account's callback connection, transferred to the operator on its
 * `call.answered` (`client_state` `:outbound-<attempt>` on every event of that call).
 *
 * Several accounts (PROVIDER_ACCOUNTS_FILE): an event is checked with the keys of the accounts its
 * `connection_id` belongs to (or of every account that lists no connections); the account whose key
 * verifies is stored on the contact, and every command about it carries that account's API key.
 */
@Injectable()
export class TelnyxAdapter extends CallBridge implements OnModuleInit {
  readonly provider = TELNYX_PROVIDER;
  private readonly logger = new Logger(TelnyxAdapter.name);
  readonly renderer = new TelnyxRenderer();
  override readonly placesCallbacks = true;
  // Per account object: a reload makes new ones, so a rotated key gets a new verifier.
  private readonly verifiers = new WeakMap<TelnyxAccount, TelnyxSignatureVerifier>();

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
    private readonly accounts: ProviderAccountsService,
    private readonly operators: OperatorRepository,
  ) {
    super();
  }

  onModuleInit(): void {
    this.registerIfConfigured();
    this.accounts.onReload(() => this.registerIfConfigured());
  }

  private registerIfConfigured(): void {
    if (this.accounts.current.telnyx.length > 0) this.bridges.register(this);
  }

  /** Verifies an event and returns the account whose key signed it (`connectionId`: the event's, unverified). */
  verify(
    signature: string | undefined,
    timestamp: string | undefined,
    rawBody: Buffer | undefined,
    connectionId?: string,
  ): TelnyxAccount {
    const accounts = this.accounts.current.telnyx;
    if (accounts.length === 0) {
      throw new ServiceUnavailableException(
        'Telnyx is not configured: set TELNYX_PUBLIC_KEY and TELNYX_API_KEY',
      );
    }
    return firstVerified(telnyxCandidates(accounts, connectionId), (account) =>
      this.verifierOf(account).verify(signature, timestamp, rawBody),
    );
  }

  private verifierOf(account: TelnyxAccount): TelnyxSignatureVerifier {
    let verifier = this.verifiers.get(account);
    if (!verifier) {
      verifier = new TelnyxSignatureVerifier(account.publicKeys, this.config.env.WEBHOOK_TOLERANCE_SECONDS);
      this.verifiers.set(account, verifier);
    }
    return verifier;
  }

  /** The account a contact came in on; throws when it is no longer configured. */
  private accountFor(contact: Contact): TelnyxAccount {
    const account = ProviderAccountsService.accountOf(this.accounts.current.telnyx, contact);
    if (!account) throw new Error(`Telnyx account ${contact.providerAccount} is not configured`);
    return account;
  }

  /** The commands for a list of neutral actions (TelnyxRenderer), `client_state` naming `contactId`. */
  commands(actions: CallAction[], contactId: string | undefined): TelnyxCommand[] {
    return this.renderer.render(actions, contactId);
  }

  /**
   * Sends commands in order with `account`'s API key; `command_id` = `${causeId}:${index}:${action}`
   * makes retries harmless.
   */
  async send(
    account: TelnyxAccount,
    callControlId: string,
    commands: TelnyxCommand[],
    causeId: string,
    options: { strict?: boolean } = {},
  ): Promise<void> {
    const base = account.apiBaseUrl.replace(/\/$/, '');
    for (const [index, command] of commands.entries()) {
      const response = await fetch(
        `${base}/calls/${encodeURIComponent(callControlId)}/actions/${command.action}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${account.apiKey}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ ...command.body, command_id: `${causeId}:${index}:${command.action}` }),
          signal: AbortSignal.timeout(5000),
        },
      );
      if (!response.ok) {
        // During a webhook a refused command is logged and the flow goes on (Telnyx reports what the
        // call does next); a console action (strict) fails so the operator learns it did not happen.
        if (options.strict) throw new Error(`Telnyx ${command.action} answered ${response.status}`);
        this.logger.warn(
          { callControlId, action: command.action, status: response.status },
          'Telnyx command refused',
        );
      }
    }
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    const commands = this.commands(this.flow.connect(contact, operator), contact.id).filter(
      (command) => command.action !== 'hangup',
    );
    const account = this.accountFor(contact);
    await this.stopKeyLoop(account, contact, `accept-${contact.id}`);
    await this.send(account, contact.externalId, commands, `accept-${contact.id}`, {
      strict: true,
    });
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id },
      'Telnyx call transferred to the operator',
    );
  }

  /** The operator completed the call or took a message: hang the caller's leg up. */
  override async hangUp(contact: Contact): Promise<void> {
    await this.send(
      this.accountFor(contact),
      contact.externalId,
      [{ action: 'hangup', body: {} }],
      `hangup-${contact.id}`,
      {
        strict: true,
      },
    );
  }

  /**
   * Back into the problem type's Telnyx queue with the waiting prompts (the operator's leg, bridged by
   * the transfer, is released when the caller's leg is parked again). Each requeue is a new step.
   */
  override async requeue(contact: Contact): Promise<void> {
    const actions = await this.flow.actionsFor(contact, true, true);
    await this.send(
      this.accountFor(contact),
      contact.externalId,
      this.commands(actions, contact.id),
      `requeue-${contact.id}-${Date.now()}`,
      { strict: true },
    );
  }

  /**
   * The maximum wait took the caller out of the queue: the call leaves its Telnyx queue (`leave_queue`)
   * and gets the commands of its new state, the message questions or the closed prompt then `hangup`.
   */
  override async diverted(contact: Contact): Promise<void> {
    const actions = await this.flow.actionsFor(contact, false);
    const account = this.accountFor(contact);
    await this.stopKeyLoop(account, contact, `diverted-${contact.id}`);
    await this.send(
      account,
      contact.externalId,
      [{ action: 'leave_queue', body: {} }, ...this.commands(actions, contact.id)],
      `diverted-${contact.id}`,
      { strict: true },
    );
  }

  /**
   * The hold loop's gather (the callback offer) may still be speaking on a call that is being moved on:
   * stopped first. Not strict: Telnyx refuses to stop a gather that has just ended, and that is fine.
   */
  private async stopKeyLoop(account: TelnyxAccount, contact: Contact, causeId: string): Promise<void> {
    if (!this.flow.holdsInKeyLoop(contact)) return;
    await this.send(account, contact.externalId, [{ action: 'gather_stop', body: {} }], `${causeId}-hold`);
  }

  /** Callbacks go out through the connection of the contact's account (TELNYX_CONNECTION_ID). */
  override callsBack(contact: Contact): boolean {
    const account = ProviderAccountsService.accountOf(this.accounts.current.telnyx, contact);
    return !!account?.callbackConnectionId;
  }

  /**
   * A callback: `POST /calls` (Dial) to the customer from the number they dialled, through the account's
   * connection, ringing at most `ringSeconds` (`timeout_secs`). Its events come to the same webhook with
   * `client_state` `<contactId>:outbound-<attempt>`: `call.answered` connects the operator
   * (`connectCallback`), `call.hangup` reports how it ended. Resolves with its `call_control_id`.
   */
  override async callBack(
    contact: Contact,
    operator: OperatorRecord,
    call: OutboundCallback,
  ): Promise<string> {
    const account = this.accountFor(contact);
    if (!account.callbackConnectionId) {
      throw new Error(`Telnyx account ${account.id} has no connection for callbacks (TELNYX_CONNECTION_ID)`);
    }
    if (!call.from) throw new Error('No caller id to call back from');
    const response = await fetch(`${account.apiBaseUrl.replace(/\/$/, '')}/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${account.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        connection_id: account.callbackConnectionId,
        to: call.number,
        from: call.from,
        timeout_secs: call.ringSeconds,
        client_state: encodeClientState(contact.id, `outbound-${call.attempt}`),
        command_id: `callback-${contact.id}-${call.attempt}`,
      }),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`Telnyx dial answered ${response.status}`);
    const created = (await response.json().catch(() => ({}))) as { data?: { call_control_id?: unknown } };
    const callControlId = created.data?.call_control_id;
    if (typeof callControlId !== 'string' || !callControlId) {
      throw new Error('Telnyx placed a call without a call_control_id');
    }
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id, attempt: call.attempt },
      'Telnyx callback placed',
    );
    return callControlId;
  }

  /**
   * The customer answered a callback (`attempt`): their call is `transfer`red to the operator who
   * accepted it, as an inbound call is (command ids `callback-<contactId>-<attempt>:<n>:<action>`).
   */
  async connectCallback(
    account: TelnyxAccount,
    callControlId: string,
    contact: Contact,
    attempt: number,
  ): Promise<void> {
    const operator = contact.operatorId ? await this.operators.findById(contact.operatorId) : null;
    if (!operator) {
      this.logger.warn({ contactId: contact.id }, 'Answered callback without its operator');
      return;
    }
    // The call keeps its callback step, so its hang-up still reports on this attempt.
    const clientState = encodeClientState(contact.id, `outbound-${attempt}`);
    const commands = this.commands(this.flow.connect(contact, operator), contact.id)
      .filter((command) => command.action !== 'hangup')
      .map((command) => ({ ...command, body: { ...command.body, client_state: clientState } }));
    await this.send(account, callControlId, commands, `callback-${contact.id}-${attempt}`);
    this.logger.log({ contactId: contact.id, operatorId: operator.id, attempt }, 'Telnyx callback connected');
  }

  /** Out to a department's number (Call Control `transfer`); centralino's part of the call ends. */
  override async transfer(contact: Contact, number: string): Promise<void> {
    await this.send(
      this.accountFor(contact),
      contact.externalId,
      [{ action: 'transfer', body: { to: number, client_state: encodeClientState(contact.id) } }],
      `transfer-${contact.id}`,
      { strict: true },
    );
    this.logger.log({ contactId: contact.id }, 'Telnyx call transferred out');
  }
}
