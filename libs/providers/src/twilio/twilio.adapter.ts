import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import twilio from 'twilio';
import type { RequestOptions } from 'twilio/lib/base/RequestClient';
import { AppConfig, TwilioAccount } from '@centralino/config';
import { Contact, maskPhone } from '@centralino/contacts';
import { OperatorRecord } from '@centralino/persistence';
import { CallBridge, CallBridges, OutboundCallback } from '@centralino/routing';
import { CallStep } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { twilioAccountFor } from '../accounts/account-resolution';
import { ProviderAccountsService } from '../accounts/provider-accounts.service';
import { TwilioSignatureVerifier } from './twilio-signature.verifier';
import { TwilioRenderer } from './twilio.renderer';

export const TWILIO_PROVIDER = 'twilio';
export const TWILIO_WEBHOOK_PATH = '/webhooks/twilio';

const STEP_PATHS: Record<CallStep, string> = {
  gathered: 'voice/gather',
  wait: 'voice/wait',
  'queue-result': 'voice/queue-result',
  'dial-result': 'voice/dial-result',
  message: 'voice/message',
  callback: 'voice/callback',
};

/**
 * Sends Twilio's REST requests to TWILIO_API_BASE_URL instead of https://api.twilio.com (a regional
 * proxy, or a local stub in tests), keeping the official client for everything else.
 */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super({ timeout: 5000 });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    return super.request<TData>({ ...opts, uri: `${this.baseUrl}${uri.pathname}${uri.search}` });
  }
}

/**
 * Everything Twilio-specific that is not HTTP routing: configuration, signature check, TwiML rendering,
 * and the CallBridge that connects an accepted call to its operator.
 *
 * Several accounts: a webhook is checked with the auth tokens of the account its `AccountSid` field
 * names, and that account is stored on the contact; every REST request about the contact goes to that
 * account's `/Accounts/{AccountSid}/...` with its credentials.
 *
 * Operator connect: when an operator accepts, the caller's call (parked in `<Enqueue>`) is updated over
 * REST (`POST /2010-04-01/Accounts/{sid}/Calls/{CallSid}.json` with `Twiml=<Dial>...`), which takes it out
 * of the queue and dials the operator's endpoint (`client:`, number or SIP URI from the operator's
 * profile). centralino's own queue stays the one source of order and priority; Twilio's queue is only the
 * room the caller waits in.
 */
@Injectable()
export class TwilioAdapter extends CallBridge implements OnModuleInit {
  readonly provider = TWILIO_PROVIDER;
  private readonly logger = new Logger(TwilioAdapter.name);
  readonly renderer: TwilioRenderer;
  override readonly placesCallbacks = true;
  // Per account object: a reload makes new ones, so a rotated token gets a new verifier and client.
  private readonly verifiers = new WeakMap<TwilioAccount, TwilioSignatureVerifier>();
  private readonly clients = new WeakMap<TwilioAccount, twilio.Twilio>();

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
    private readonly accounts: ProviderAccountsService,
  ) {
    super();
    this.renderer = new TwilioRenderer((step) => this.url(STEP_PATHS[step]));
  }

  onModuleInit(): void {
    this.registerIfConfigured();
    this.accounts.onReload(() => this.registerIfConfigured());
  }

  /** A bridge as soon as one account can be called over REST (it has an AccountSid). */
  private registerIfConfigured(): void {
    if (this.accounts.current.twilio.some((account) => account.accountSid)) this.bridges.register(this);
  }

  /** The public URL of a Twilio webhook path, as configured at Twilio (and signed by it). */
  url(path: string): string {
    return `${this.config.publicBaseUrl}${TWILIO_WEBHOOK_PATH}/${path}`;
  }

  /**
   * Verifies a request against the URL Twilio called (PUBLIC_BASE_URL + the path and query received),
   * with the tokens of the account its `AccountSid` names; returns that account.
   */
  verify(
    signature: string | undefined,
    pathAndQuery: string,
    params: unknown,
    rawBody?: Buffer,
  ): TwilioAccount {
    const accounts = this.accounts.current.twilio;
    if (accounts.length === 0) {
      throw new ServiceUnavailableException('Twilio is not configured: set TWILIO_AUTH_TOKEN');
    }
    const form = params && typeof params === 'object' ? (params as Record<string, unknown>) : undefined;
    const claimed = form?.AccountSid;
    const account = twilioAccountFor(accounts, typeof claimed === 'string' ? claimed : undefined);
    this.verifierOf(account).verify(signature, `${this.config.publicBaseUrl}${pathAndQuery}`, form, rawBody);
    return account;
  }

  /**
   * Verifies a webhook request and returns its body. A refused one is logged (caller's number masked);
   * the controllers' webhook metrics interceptor counts it.
   */
  verifiedBody(request: RawBodyRequest<FastifyRequest>, signature: string | undefined): unknown {
    return this.verifiedRequest(request, signature).body;
  }

  /** As verifiedBody, with the id of the account that signed it (stored on a new contact). */
  verifiedRequest(
    request: RawBodyRequest<FastifyRequest>,
    signature: string | undefined,
  ): { body: unknown; accountId: string } {
    let account: TwilioAccount;
    try {
      account = this.verify(signature, request.url, request.body, request.rawBody);
    } catch (error) {
      const from = (request.body as { From?: unknown } | undefined)?.From;
      this.logger.warn(
        {
          path: request.url,
          from: maskPhone(typeof from === 'string' ? from : ''),
          reason: (error as Error).message,
        },
        'Twilio request refused',
      );
      throw error;
    }
    return { body: request.body ?? {}, accountId: account.id };
  }

  private verifierOf(account: TwilioAccount): TwilioSignatureVerifier {
    let verifier = this.verifiers.get(account);
    if (!verifier) {
      // The previous token keeps validating webhooks while Twilio switches to the new one (rotation).
      verifier = new TwilioSignatureVerifier(account.authTokens);
      this.verifiers.set(account, verifier);
    }
    return verifier;
  }

  /**
   * The REST client of the account a voice contact came in on (null: a text conversation, which has no
   * call to move). Throws when that account is no longer configured or cannot be called (no AccountSid).
   */
  private clientFor(contact: Contact): twilio.Twilio | null {
    if (contact.channel !== 'voice') return null;
    const account = ProviderAccountsService.accountOf(this.accounts.current.twilio, contact);
    return this.clientOf(account, contact.providerAccount);
  }

  private clientOf(account: TwilioAccount | undefined, id: string | null): twilio.Twilio {
    if (!account?.accountSid) {
      throw new Error(`Twilio account ${id ?? 'default'} is not configured for REST (TWILIO_ACCOUNT_SID)`);
    }
    let client = this.clients.get(account);
    if (!client) {
      client = twilio(account.accountSid, account.authTokens[0]!, {
        httpClient: new BaseUrlRequestClient(account.apiBaseUrl.replace(/\/$/, '')),
      });
      this.clients.set(account, client);
    }
    return client;
  }

  /**
   * The account a callback's outbound call for `contact` goes out through (and whose status callbacks
   * report on it): the account the caller called; a chat's, the first one that can be called over REST.
   */
  callbackAccountOf(contact: Contact): TwilioAccount | undefined {
    const accounts = this.accounts.current.twilio;
    return contact.provider === TWILIO_PROVIDER
      ? ProviderAccountsService.accountOf(accounts, contact)
      : accounts.find((account) => account.accountSid);
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    // A text conversation has no call to move: the operator answers it from the console.
    const client = this.clientFor(contact);
    if (!client) return;
    const twiml = this.renderer.render(this.flow.connect(contact, operator));
    await client.calls(contact.externalId).update({ twiml });
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id },
      'Twilio call redirected to the operator',
    );
  }

  override async hangUp(contact: Contact): Promise<void> {
    await this.clientFor(contact)?.calls(contact.externalId).update({ status: 'completed' });
  }

  /** Back into `<Enqueue>` with the waiting prompts, as when the call was first queued. */
  override async requeue(contact: Contact): Promise<void> {
    const client = this.clientFor(contact);
    if (!client) return;
    // As on first entering: the queued prompt and `<Enqueue>` (whose wait URL then says the position).
    const twiml = this.renderer.render(await this.flow.actionsFor(contact, true));
    await client.calls(contact.externalId).update({ twiml });
  }

  /**
   * The maximum wait took the caller out of the queue: the call is redirected (REST call update) to the
   * TwiML of its new state, the message questions or the closed prompt, without waiting for the holding
   * room's next wait request (which would also find it: `<Leave/>`, or the closed prompt).
   */
  override async diverted(contact: Contact): Promise<void> {
    const client = this.clientFor(contact);
    if (!client) return;
    const twiml = this.renderer.render(await this.flow.actionsFor(contact, false));
    await client.calls(contact.externalId).update({ twiml });
  }

  /**
   * A callback: `POST /Calls.json` to the customer from the number they dialled, whose TwiML dials the
   * operator's endpoint once they answer; its status callback (answered, completed, busy, no-answer,
   * failed) reports on this attempt (`voice/callback-status?contactId=&attempt=`).
   */
  override async callBack(
    contact: Contact,
    operator: OperatorRecord,
    call: OutboundCallback,
  ): Promise<string> {
    const client = this.clientOf(
      this.callbackAccountOf(contact),
      contact.provider === TWILIO_PROVIDER ? contact.providerAccount : null,
    );
    if (!call.from) throw new Error('No caller id to call back from (callbacks.fromNumber)');
    const query = new URLSearchParams({ contactId: contact.id, attempt: String(call.attempt) });
    const created = await client.calls.create({
      to: call.number,
      from: call.from,
      twiml: this.renderer.render(this.flow.connect(contact, operator)),
      timeout: call.ringSeconds,
      statusCallback: this.url(`voice/callback-status?${query.toString()}`),
      statusCallbackMethod: 'POST',
      statusCallbackEvent: ['answered', 'completed'],
    });
    this.logger.log(
      { contactId: contact.id, operatorId: operator.id, attempt: call.attempt },
      'Twilio callback placed',
    );
    return created.sid;
  }

  override async transfer(contact: Contact, number: string): Promise<void> {
    const client = this.clientFor(contact);
    if (!client) return;
    const twiml = this.renderer.render([
      { type: 'transfer', number, contactId: contact.id, timeoutSeconds: 30, next: 'dial-result' },
    ]);
    await client.calls(contact.externalId).update({ twiml });
    this.logger.log({ contactId: contact.id }, 'Twilio call transferred out');
  }
}
