import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FrontOfficeConfig } from '@centralino/config';
import { Contact, DomainError } from '@centralino/contacts';
import { IntakeResult, IntakeService } from '@centralino/intake';
import { MetricsService } from '@centralino/observability';
import { ContactRepository } from '@centralino/persistence';
import { parseCallbackCallId } from '@centralino/routing';
import { AccountOwnership } from '../accounts/account-ownership.service';
import { MessageField } from '../call-flow/call-actions';
import { CallFlow } from '../call-flow/call-flow.service';
import { CallInputEvent, genericWebhookSchema } from './generic-webhook.dto';
import { GENERIC_PROVIDER, GenericAdapter } from './generic.adapter';
import { GenericAction, renderGenericActions } from './generic-actions';

/**
 * The generic signed JSON webhook for any SIP gateway (docs/generic-webhook.md). The signature is checked
 * on the raw bytes before anything is parsed or stored. The reply carries what the gateway does next:
 * wait in a queue, answer a question, leave a message, or be put through to a directory entry's phone.
 * An event about a known call from another gateway than the call's is refused before anything changes
 * (403 `signature_account_mismatch`, AccountOwnership).
 */
@Controller('webhooks/generic')
export class GenericWebhookController {
  constructor(
    private readonly intake: IntakeService,
    private readonly flow: CallFlow,
    private readonly generic: GenericAdapter,
    private readonly contacts: ContactRepository,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly metrics: MetricsService,
    private readonly ownership: AccountOwnership,
  ) {}

  @Post()
  @HttpCode(200)
  receive(
    @Req() request: RawBodyRequest<FastifyRequest>,
    @Headers('webhook-signature') signature?: string,
    @Headers('webhook-key-id') keyId?: string,
  ) {
    return this.metrics.trackWebhook(GENERIC_PROVIDER, () => this.handle(request, signature, keyId));
  }

  private async handle(
    request: RawBodyRequest<FastifyRequest>,
    signature: string | undefined,
    keyId: string | undefined,
  ) {
    const gateway = this.generic.verify(signature, request.rawBody, keyId);
    if (request.body === undefined || request.body === null || typeof request.body !== 'object') {
      throw new DomainError('validation_failed', 'The body must be a JSON object');
    }
    const event = genericWebhookSchema.parse(request.body);
    // Any event about a call centralino knows (a retried call.started too) must come from its gateway. A
    // call.started is checked by intake on the contact creating it finds instead (a retried delivery's, a
    // known call's): a new call, nearly every one, costs no read for it.
    const known =
      event.type === 'call.started'
        ? null
        : await this.ownership.callOf(GENERIC_PROVIDER, event.callId, gateway.id);
    // The outbound call of a chat's callback: the contact is known by the chat, the call by its id; it
    // was pushed to the default gateway, whose reports are the only ones taken.
    const chatCallback =
      !known && (event.type === 'call.ended' || event.type === 'call.answered')
        ? await this.chatCallback(event.callId)
        : null;
    if (chatCallback) {
      const { contact } = chatCallback;
      this.ownership.assertOwner(GENERIC_PROVIDER, contact, gateway.id, this.generic.gatewayOf(contact));
    }
    if (event.type === 'call.ended') {
      if (chatCallback) return this.callbackReport(event.id, chatCallback, event.reason);
      // Unknown calls are a 404 here (the gateway is ours to fix), unlike the providers' silent 200.
      if (!known) throw new DomainError('unknown_call', `No contact for call ${event.callId}`);
      const result = await this.flow.ended(
        GENERIC_PROVIDER,
        event.id,
        event.callId,
        event.reason,
        undefined,
        known,
      );
      if (!result) throw new DomainError('unknown_call', `No contact for call ${event.callId}`);
      return { ...result, actions: [] };
    }
    if (event.type === 'call.answered') {
      if (chatCallback) return this.callbackReport(event.id, chatCallback, 'answered');
      if (!known?.callback) throw new DomainError('unknown_call', `No callback for call ${event.callId}`);
      return this.callbackReport(event.id, { contact: known, attempt: null }, 'answered');
    }
    if (event.type === 'call.input') {
      if (event.field) return this.messageAnswer(event, event.field, known);
      if (this.flow.isCallbackKey(event.digits) && known) {
        if (known.state === 'queued' || known.callback) return this.callbackKey(event, known);
      }
      const { result, contact } = await this.intake.inputContact(
        {
          provider: GENERIC_PROVIDER,
          eventKey: event.id,
          externalId: event.callId,
          language: event.language,
          digits: event.digits,
          text: event.speech,
          canClarify: true,
        },
        { known },
      );
      return this.reply(result, contact);
    }
    const { result, contact } = await this.intake.receiveContact(
      {
        provider: GENERIC_PROVIDER,
        eventKey: event.id,
        externalId: event.callId,
        providerAccount: gateway.id,
        channel: 'voice',
        from: event.from,
        to: event.to,
        language: event.language,
        digits: event.digits,
        text: event.speech,
        canClarify: true,
      },
      { knownContact: (found) => this.ownership.assertOwner(GENERIC_PROVIDER, found, gateway.id) },
    );
    return this.reply(result, contact);
  }

  /**
   * A clarifying question to gather the caller's answer (a `call.input`); the directory step (transfer
   * to its phone, or a message for it); or enqueue with a prompt. `contact`: as intake just left it.
   */
  private async reply(result: IntakeResult, contact?: Contact) {
    if (result.clarify) {
      const { prompt, language, options } = result.clarify;
      return { ...result, actions: [{ type: 'gather', prompt, language, options }] };
    }
    const step = await this.flow.afterTriage(result, contact);
    if (step) return { ...step.result, actions: renderGenericActions(step.actions) };
    const say = this.frontOffice.prompt('queued', result.language);
    const callbackDigit = await this.flow.callbackKeyFor(result.contactId, contact);
    return {
      ...result,
      actions: [
        ...(say ? [{ type: 'say', text: say, language: result.language }] : []),
        {
          type: 'enqueue',
          queue: result.queue,
          position: result.position,
          estimatedWait: result.estimatedWait,
          // The key that asks for a callback while holding (posted as `call.input` digits).
          ...(callbackDigit ? { callbackDigit } : {}),
        },
      ],
    };
  }

  /**
   * The callback key pressed while holding: the contact keeps its place as a callback to the caller's
   * number; the reply says goodbye and hangs up (or, for a number that cannot be called, holds on).
   */
  private async callbackKey(event: CallInputEvent, known: Contact) {
    const duplicate = !(await this.contacts.recordReceipt(
      { provider: GENERIC_PROVIDER, eventKey: event.id, response: { callId: event.callId } },
      null,
    ));
    const actions = await this.flow.callbackKey(GENERIC_PROVIDER, event.callId, event.digits, { known });
    const contact = await this.flow.findContact(GENERIC_PROVIDER, event.callId);
    if (!actions || !contact) throw new DomainError('unknown_call', `No contact for call ${event.callId}`);
    return {
      ...outOfLineReply(contact, contact.state, duplicate, renderGenericActions(actions)),
      callback: contact.callback ? { attempts: contact.callback.attempts } : null,
    };
  }

  /**
   * A callback's outbound call placed for a contact of another channel (a chat): its id names the
   * contact and the attempt (`cb-<contactId>-<attempt>`). Null for any other call (asked only about
   * call ids no contact has).
   */
  private async chatCallback(callId: string) {
    const named = parseCallbackCallId(callId);
    if (!named) return null;
    const contact = await this.contacts.findById(named.contactId);
    return contact?.callback && contact.channel !== 'voice' ? { contact, attempt: named.attempt } : null;
  }

  /**
   * An outcome of a callback's outbound call, recorded once per event; `attempt` when the call id names
   * it (a chat's callback), null for the caller's own call.
   */
  private async callbackReport(
    eventId: string,
    { contact, attempt }: { contact: Contact; attempt: number | null },
    status: string,
  ) {
    const first = await this.contacts.recordReceipt(
      { provider: GENERIC_PROVIDER, eventKey: eventId, response: { contactId: contact.id } },
      contact.id,
    );
    const now = first ? await this.flow.callbackStatus(contact.id, attempt, status) : contact;
    return outOfLineReply(contact, now?.state ?? contact.state, !first, []);
  }

  /** An answer to a `gather` of the voice message flow (`field`); a retried delivery changes nothing. */
  private async messageAnswer(event: CallInputEvent, field: MessageField, known: Contact | null) {
    const duplicate = !!(await this.contacts.findReceipt(GENERIC_PROVIDER, event.id));
    const actions = await this.flow.messageAnswer(
      GENERIC_PROVIDER,
      event.callId,
      field,
      { speech: event.speech, digits: event.digits },
      event.id,
      known,
    );
    const contact = await this.flow.findContact(GENERIC_PROVIDER, event.callId);
    if (!actions || !contact) throw new DomainError('unknown_call', `No contact for call ${event.callId}`);
    return outOfLineReply(contact, contact.state, duplicate, renderGenericActions(actions));
  }
}

/** The reply about a contact that is not waiting in a line (no position or wait to tell). */
function outOfLineReply(contact: Contact, state: string, duplicate: boolean, actions: GenericAction[]) {
  return {
    contactId: contact.id,
    state,
    queue: contact.problemType,
    language: contact.language,
    position: null,
    estimatedWait: null,
    duplicate,
    actions,
  };
}
