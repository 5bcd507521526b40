import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { tokenGenerate } from '@vonage/jwt';
import { AppConfig, VonageAccount } from '@centralino/config';
import { Contact } from '@centralino/contacts';
import { OperatorRecord } from '@centralino/persistence';
import { CallBridge, CallBridges, OutboundCallback } from '@centralino/routing';
import { CallStep } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { vonageAccountFor } from '../accounts/account-resolution';
import { ProviderAccountsService } from '../accounts/provider-accounts.service';
import { VonageSignatureVerifier } from './vonage-signature.verifier';
import { VonageRenderer } from './vonage.renderer';
import { vonageCallerNumber } from './vonage-callbacks';

export const VONAGE_PROVIDER = 'vonage';
export const VONAGE_WEBHOOK_PATH = '/webhooks/vonage/voice';

const STEP_PATHS: Record<CallStep, string> = {
  gathered: 'input',
  wait: 'event',
  'queue-result': 'event',
  'dial-result': 'operator-event',
  message: 'message',
  // The key loop that offers a callback while the caller holds (instead of the conversation).
  callback: 'callback',
};

/**
 * Vonage Voice: configuration, signed-callback check, NCCO rendering, and the CallBridge.
 *
 * Operator connect: the caller waits in a conversation of their own; when an operator accepts, the call
 * is transferred over REST (`PUT /v1/calls/{uuid}` with `action: transfer` and an NCCO that `connect`s
 * the operator's endpoint), authenticated with an application JWT (`@vonage/jwt`).
 *
 * Callbacks (docs/routing.md, "Callbacks that keep their place"): while one can be offered, the caller
 * holds in a key loop instead of the conversation (VonageRenderer); the outbound call is a
 * `POST /v1/calls` whose NCCO connects the operator, its events reported to `/voice/callback-event`.
 *
 * Several applications (PROVIDER_ACCOUNTS_FILE): a callback is checked with the signature secret of the
 * application its JWT's `application_id` names; that application is stored on the contact, and the
 * contact's Voice API requests are signed with its private key.
 */
@Injectable()
export class VonageAdapter extends CallBridge implements OnModuleInit {
  readonly provider = VONAGE_PROVIDER;
  private readonly logger = new Logger(VonageAdapter.name);
  readonly renderer: VonageRenderer;
  override readonly placesCallbacks = true;
  // Per account object: a reload makes new ones, so a rotated secret gets a new verifier.
  private readonly verifiers = new WeakMap<VonageAccount, VonageSignatureVerifier>();

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
    private readonly accounts: ProviderAccountsService,
  ) {
    super();
    this.renderer = new VonageRenderer((step) => this.webhookUrl(STEP_PATHS[step]));
  }

  onModuleInit(): void {
    this.registerIfConfigured();
    this.accounts.onReload(() => this.registerIfConfigured());
  }

  /** A bridge as soon as one application can be called over REST (it has a private key). */
  private registerIfConfigured(): void {
    if (this.accounts.current.vonage.some((account) => account.privateKey)) this.bridges.register(this);
  }

  /**
   * Checks a signed callback with the secrets of the account its `application_id` (or `api_key`) claim
   * names, and returns that account.
   */
  verify(authorization: string | undefined, rawBody: Buffer | undefined): VonageAccount {
    const accounts = this.accounts.current.vonage;
    if (accounts.length === 0) {
      throw new ServiceUnavailableException('Vonage is not configured: set VONAGE_SIGNATURE_SECRET');
    }
    const account = vonageAccountFor(accounts, VonageSignatureVerifier.unverifiedClaims(authorization));
    let verifier = this.verifiers.get(account);
    if (!verifier) {
      // The previous secret keeps validating callbacks while Vonage switches to the new one (rotation).
      verifier = new VonageSignatureVerifier(
        account.signatureSecrets,
        this.config.env.WEBHOOK_TOLERANCE_SECONDS,
      );
      this.verifiers.set(account, verifier);
    }
    verifier.verify(authorization, rawBody);
    return account;
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    await this.update(contact, {
      action: 'transfer',
      destination: { type: 'ncco', ncco: this.renderer.render(this.flow.connect(contact, operator)) },
    });
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id },
      'Vonage call transferred to the operator',
    );
  }

  /** The operator completed the call or took a message: `PUT /v1/calls/{uuid}` with `hangup`. */
  override async hangUp(contact: Contact): Promise<void> {
    await this.update(contact, { action: 'hangup' });
  }

  /**
   * Back into a holding room of its own with the waiting prompts (the position, since Vonage fetches no
   * wait URL): the caller's leg is transferred to that NCCO and leaves the operator's conversation.
   */
  override async requeue(contact: Contact): Promise<void> {
    const ncco = this.renderer.render(await this.flow.actionsFor(contact, true, true));
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
  }

  /**
   * The maximum wait took the caller out of the queue (Vonage fetches no wait URL, so it is told here):
   * the leg is transferred to the NCCO of its new state, the message questions or the closed prompt.
   */
  override async diverted(contact: Contact): Promise<void> {
    const ncco = this.renderer.render(await this.flow.actionsFor(contact, false));
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
  }

  /** Out to a department's number: an NCCO that `connect`s the phone; centralino's part ends. */
  override async transfer(contact: Contact, number: string): Promise<void> {
    const ncco = this.renderer.render([
      { type: 'transfer', number, contactId: contact.id, timeoutSeconds: 30, next: 'dial-result' },
    ]);
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
    this.logger.log({ contactId: contact.id }, 'Vonage call transferred out');
  }

  /**
   * Vonage gives numbers in E.164 without the `+` (`393331234567`): a callback dials the caller id read
   * with it. Anything else (withheld: `Unknown`, empty; a SIP or app caller) is left as it came.
   */
  override callerNumber(contact: Contact): string | null {
    return vonageCallerNumber(contact.fromAddress);
  }

  /**
   * A callback: `POST /v1/calls` to the customer, from the number they dialled, ringing at most
   * `ringSeconds` (`ringing_timer`), with an NCCO that connects the operator's endpoint once they answer;
   * the call's events (answered, completed, busy, timeout, unanswered, rejected, failed, cancelled)
   * report on this attempt (`/voice/callback-event?contactId=&attempt=`). Resolves with the call's uuid.
   */
  override async callBack(
    contact: Contact,
    operator: OperatorRecord,
    call: OutboundCallback,
  ): Promise<string> {
    if (!call.from) throw new Error('No caller id to call back from');
    const query = new URLSearchParams({ contactId: contact.id, attempt: String(call.attempt) });
    const response = await this.request(contact, 'POST', '/v1/calls', {
      to: [{ type: 'phone', number: call.number.replace(/^\+/, '') }],
      from: { type: 'phone', number: call.from.replace(/^\+/, '') },
      ncco: this.renderer.render(this.flow.connect(contact, operator)),
      ringing_timer: call.ringSeconds,
      event_url: [`${this.webhookUrl('callback-event')}?${query.toString()}`],
      event_method: 'POST',
    });
    const created = (await response.json().catch(() => ({}))) as { uuid?: unknown };
    if (typeof created.uuid !== 'string' || !created.uuid) {
      throw new Error('Vonage created a call without a uuid');
    }
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id, attempt: call.attempt },
      'Vonage callback placed',
    );
    return created.uuid;
  }

  /** The public URL of a Vonage webhook path. */
  private webhookUrl(path: string): string {
    return `${this.config.publicBaseUrl}${VONAGE_WEBHOOK_PATH}/${path}`;
  }

  /** A Voice API call update (`PUT /v1/calls/{uuid}`) of the contact's call. */
  private async update(contact: Contact, body: Record<string, unknown>): Promise<void> {
    await this.request(contact, 'PUT', `/v1/calls/${encodeURIComponent(contact.externalId)}`, body);
  }

  /**
   * A Voice API request with a short-lived JWT of the application the call came in on (`@vonage/jwt`),
   * at that account's API base URL. Throws unless Vonage answers 2xx.
   */
  private async request(
    contact: Contact,
    method: 'POST' | 'PUT',
    path: string,
    body: Record<string, unknown>,
  ): Promise<Response> {
    const account = ProviderAccountsService.accountOf(this.accounts.current.vonage, contact);
    if (!account?.applicationId || !account.privateKey) {
      throw new Error(
        `Vonage application ${contact.providerAccount ?? 'default'} is not configured for the Voice API (private key)`,
      );
    }
    const token = tokenGenerate(account.applicationId, account.privateKey, { ttl: 300 });
    const response = await fetch(`${account.apiBaseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) {
      throw new Error(`Vonage ${String(body.action ?? 'create call')} answered ${response.status}`);
    }
    return response;
  }
}
