import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig, GenericGateway } from '@centralino/config';
import { Contact, ContactStateMachine, DomainError } from '@centralino/contacts';
import { GenericSignatureVerifier } from '@centralino/intake';
import { ContactRepository, OperatorRecord, OperatorRepository } from '@centralino/persistence';
import { CallBridge, CallBridges, OutboundCallback } from '@centralino/routing';
import { CallFlow } from '../call-flow/call-flow.service';
import { firstVerified, genericCandidates } from '../accounts/account-resolution';
import { ProviderAccountsService } from '../accounts/provider-accounts.service';
import { GenericAction, renderGenericActions } from './generic-actions';

/** The provider name contacts of the generic webhook carry (as its controller in libs/intake sets it). */
export const GENERIC_PROVIDER = 'generic';

/** What the gateway is told to do with one call now (the `call.actions` message and the GET reply). */
export interface GenericCallActions {
  type: 'call.actions';
  callId: string;
  contactId: string;
  state: string;
  actions: GenericAction[];
}

/**
 * Asynchronous actions for gateways on the generic webhook. Webhook replies carry what to do next
 * synchronously; what happens later (an operator accepts) reaches the gateway either pushed, as a signed
 * POST to GENERIC_ACTIONS_URL, or pulled, from `GET /webhooks/generic/calls/{callId}/actions`.
 *
 * Several gateways (PROVIDER_ACCOUNTS_FILE): each has its key id, secrets and actions URL. A request is
 * checked with the secrets of the gateway its `Webhook-Key-Id` header names (without one, of each gateway
 * in turn); that gateway is stored on the contact, and what centralino pushes about the contact goes to
 * that gateway's actions URL, signed with its current secret.
 */
@Injectable()
export class GenericAdapter extends CallBridge implements OnModuleInit {
  readonly provider = GENERIC_PROVIDER;
  private readonly logger = new Logger(GenericAdapter.name);
  override readonly placesCallbacks = true;
  // Per gateway object: a reload makes new ones, so a rotated secret gets a new verifier.
  private readonly verifiers = new WeakMap<GenericGateway, GenericSignatureVerifier>();

  constructor(
    private readonly config: AppConfig,
    private readonly flow: CallFlow,
    private readonly bridges: CallBridges,
    private readonly contacts: ContactRepository,
    private readonly operators: OperatorRepository,
    private readonly accounts: ProviderAccountsService,
  ) {
    super();
  }

  onModuleInit(): void {
    this.registerIfConfigured();
    this.accounts.onReload(() => this.registerIfConfigured());
  }

  /** A bridge as soon as one gateway takes pushed actions. */
  private registerIfConfigured(): void {
    if (this.accounts.current.generic.some((gateway) => gateway.actionsUrl)) this.bridges.register(this);
  }

  /**
   * Checks `Webhook-Signature` over `signed` (the raw body, or the path of a GET) with the secrets of the
   * gateway `keyId` names, or of each gateway in turn without one; returns the gateway that signed it.
   */
  verify(signature: string | undefined, signed: Buffer | undefined, keyId?: string): GenericGateway {
    return firstVerified(genericCandidates(this.accounts.current.generic, keyId), (gateway) =>
      this.verifierOf(gateway).verify(signature, signed),
    );
  }

  private verifierOf(gateway: GenericGateway): GenericSignatureVerifier {
    let verifier = this.verifiers.get(gateway);
    if (!verifier) {
      verifier = new GenericSignatureVerifier(gateway.secrets, this.config.env.WEBHOOK_TOLERANCE_SECONDS);
      this.verifiers.set(gateway, verifier);
    }
    return verifier;
  }

  /**
   * The current actions of a call, from its contact's state. Unknown call, or a call of another gateway
   * than the one asking: 404 `unknown_call`.
   */
  async actionsFor(callId: string, gateway?: GenericGateway): Promise<GenericCallActions> {
    const contact = await this.contacts.findByExternalId(GENERIC_PROVIDER, callId);
    const owner = contact && ProviderAccountsService.accountOf(this.accounts.current.generic, contact);
    if (!contact || (gateway && owner?.id !== gateway.id)) {
      throw new DomainError('unknown_call', `No contact for call ${callId}`);
    }
    let actions;
    if (contact.state === 'connected' && contact.operatorId) {
      const operator = await this.operators.findById(contact.operatorId);
      actions = operator ? this.flow.connect(contact, operator).slice(0, 1) : [];
    } else if (contact.state === 'transferred') {
      return this.message(contact, [await this.transferAction(contact)]);
    } else if (ContactStateMachine.isFinal(contact.state) && contact.state !== 'closed') {
      actions = [{ type: 'hangup' as const }];
    } else {
      actions = await this.flow.actionsFor(contact, false);
    }
    return this.message(contact, renderGenericActions(actions));
  }

  /** Pushes the connect to the gateway, signed like the webhooks it sends (Webhook-Signature). */
  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    if (contact.channel !== 'voice') return;
    await this.push(
      { ...contact, state: 'connected' },
      renderGenericActions(this.flow.connect(contact, operator).slice(0, 1)),
      `accept-${contact.id}-${operator.id}`,
    );
    this.logger.log({ contactId: contact.id, operatorId: operator.id }, 'Generic gateway told to connect');
  }

  /**
   * A callback: pushes `dial` under a new call id (`call.callId`, one per attempt) for the gateway to
   * call the customer and, once answered, bridge them to the operator's endpoint; it reports that call's
   * `call.answered` and `call.ended` (docs/generic-webhook.md, "Callbacks").
   */
  override async callBack(
    contact: Contact,
    operator: OperatorRecord,
    call: OutboundCallback,
  ): Promise<string> {
    const [connect] = renderGenericActions(this.flow.connect(contact, operator).slice(0, 1));
    await this.push(
      { ...contact, externalId: call.callId, state: 'calling_back' },
      [
        {
          type: 'dial',
          number: call.number,
          from: call.from,
          timeoutSeconds: call.ringSeconds,
          attempt: call.attempt,
          endpoint: connect!.endpoint,
        },
      ],
      `callback-${call.callId}`,
    );
    return call.callId;
  }

  override async hangUp(contact: Contact): Promise<void> {
    await this.push(contact, [{ type: 'hangup' }], `hangup-${contact.id}`);
  }

  /** The waiting prompts again (the call is back in a queue); keyed by the event so each requeue counts. */
  override async requeue(contact: Contact): Promise<void> {
    const actions = renderGenericActions(await this.flow.actionsFor(contact, false));
    await this.push({ ...contact, state: 'queued' }, actions, `requeue-${contact.id}-${Date.now()}`);
  }

  /** The maximum wait took the call out of its queue: the actions of its new state (a polling gateway reads them). */
  override async diverted(contact: Contact): Promise<void> {
    const actions = renderGenericActions(await this.flow.actionsFor(contact, false));
    await this.push(contact, actions, `diverted-${contact.id}`);
  }

  override async transfer(contact: Contact, number: string): Promise<void> {
    await this.push(
      { ...contact, state: 'transferred' },
      [{ type: 'transfer', number }],
      `transfer-${contact.id}`,
    );
  }

  /** The number of a transferred call, from its `transferred` event (docs/generic-webhook.md). */
  private async transferAction(contact: Contact): Promise<GenericAction> {
    const events = await this.contacts.events(contact.id);
    const transferred = events.filter((event) => event.type === 'transferred').pop();
    return { type: 'transfer', number: String(transferred?.data.number ?? '') };
  }

  /**
   * To the gateway the contact came from (a chat's callback: the default gateway). A gateway without an
   * actions URL polls instead.
   */
  private async push(contact: Contact, actions: GenericAction[], idempotencyKey: string): Promise<void> {
    const gateway = this.gatewayOf(contact);
    const url = gateway?.actionsUrl;
    if (!url) return;
    const body = JSON.stringify(this.message(contact, actions));
    const secret = gateway.secrets[0]!;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-signature': GenericSignatureVerifier.header(secret, body),
        'idempotency-key': idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`the gateway answered ${response.status} to call.actions`);
  }

  /** The gateway centralino tells about `contact`: the one it came from; a chat's (callbacks), the default one. */
  gatewayOf(contact: Contact): GenericGateway | undefined {
    const gateways = this.accounts.current.generic;
    return contact.provider === GENERIC_PROVIDER
      ? ProviderAccountsService.accountOf(gateways, contact)
      : gateways[0];
  }

  private message(contact: Contact, actions: GenericAction[]): GenericCallActions {
    return {
      type: 'call.actions',
      callId: contact.externalId,
      contactId: contact.id,
      state: contact.state,
      actions,
    };
  }
}
