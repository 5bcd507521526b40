import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { tokenGenerate } from '@vonage/jwt';
import { AppConfig } from '@centralino/config';
import { Contact } from '@centralino/contacts';
import { OperatorRecord } from '@centralino/persistence';
import { CallBridge, CallBridges } from '@centralino/routing';
import { CallStep } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { VonageSignatureVerifier } from './vonage-signature.verifier';
import { VonageRenderer } from './vonage.renderer';

export const VONAGE_PROVIDER = 'vonage';
export const VONAGE_WEBHOOK_PATH = '/webhooks/vonage/voice';

const STEP_PATHS: Record<CallStep, string> = {
  gathered: 'input',
  wait: 'event',
  'queue-result': 'event',
  'dial-result': 'operator-event',
  message: 'message',
  // Never rendered: Vonage's hold loop (a conversation) takes no input, so no callback is offered there.
  callback: 'input',
};

/**
 * Vonage Voice: configuration, signed-callback check, NCCO rendering, and the CallBridge.
 *
 * Operator connect: the caller waits in a conversation of their own; when an operator accepts, the call
 * is transferred over REST (`PUT /v1/calls/{uuid}` with `action: transfer` and an NCCO that `connect`s
 * the operator's endpoint), authenticated with an application JWT (`@vonage/jwt`).
 */
@Injectable()
export class VonageAdapter extends CallBridge implements OnModuleInit {
  readonly provider = VONAGE_PROVIDER;
  private readonly logger = new Logger(VonageAdapter.name);
  private readonly verifier: VonageSignatureVerifier | null;
  readonly renderer: VonageRenderer;
  private privateKey: string | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
  ) {
    super();
    const { VONAGE_SIGNATURE_SECRET: secret, VONAGE_SIGNATURE_SECRET_PREVIOUS: previous } = config.env;
    this.verifier = secret
      ? new VonageSignatureVerifier(
          previous ? [secret, previous] : [secret],
          config.env.WEBHOOK_TOLERANCE_SECONDS,
        )
      : null;
    this.renderer = new VonageRenderer(
      (step) => `${config.publicBaseUrl}${VONAGE_WEBHOOK_PATH}/${STEP_PATHS[step]}`,
    );
  }

  onModuleInit(): void {
    const { VONAGE_APPLICATION_ID: applicationId, VONAGE_PRIVATE_KEY: privateKey } = this.config.env;
    if (!applicationId || !privateKey || !this.verifier) return;
    this.privateKey = privateKey.replace(/\\n/g, '\n');
    this.bridges.register(this);
  }

  verify(authorization: string | undefined, rawBody: Buffer | undefined): void {
    if (!this.verifier) {
      throw new ServiceUnavailableException('Vonage is not configured: set VONAGE_SIGNATURE_SECRET');
    }
    this.verifier.verify(authorization, rawBody);
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    if (!this.privateKey) return;
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
    if (!this.privateKey) return;
    await this.update(contact, { action: 'hangup' });
  }

  /**
   * Back into a holding room of its own with the waiting prompts (the position, since Vonage fetches no
   * wait URL): the caller's leg is transferred to that NCCO and leaves the operator's conversation.
   */
  override async requeue(contact: Contact): Promise<void> {
    if (!this.privateKey) return;
    const ncco = this.renderer.render(await this.flow.actionsFor(contact, true, true));
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
  }

  /**
   * The maximum wait took the caller out of the queue (Vonage fetches no wait URL, so it is told here):
   * the leg is transferred to the NCCO of its new state, the message questions or the closed prompt.
   */
  override async diverted(contact: Contact): Promise<void> {
    if (!this.privateKey) return;
    const ncco = this.renderer.render(await this.flow.actionsFor(contact, false));
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
  }

  /** Out to a department's number: an NCCO that `connect`s the phone; centralino's part ends. */
  override async transfer(contact: Contact, number: string): Promise<void> {
    if (!this.privateKey) return;
    const ncco = this.renderer.render([
      { type: 'transfer', number, contactId: contact.id, timeoutSeconds: 30, next: 'dial-result' },
    ]);
    await this.update(contact, { action: 'transfer', destination: { type: 'ncco', ncco } });
    this.logger.log({ contactId: contact.id }, 'Vonage call transferred out');
  }

  /** A Voice API call update, authenticated with a short-lived application JWT (`@vonage/jwt`). */
  private async update(contact: Contact, body: Record<string, unknown>): Promise<void> {
    const token = tokenGenerate(this.config.env.VONAGE_APPLICATION_ID!, this.privateKey!, { ttl: 300 });
    const url = `${this.config.env.VONAGE_API_BASE_URL.replace(/\/$/, '')}/v1/calls/${encodeURIComponent(contact.externalId)}`;
    const response = await fetch(url, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`Vonage ${String(body.action)} answered ${response.status}`);
  }
}
