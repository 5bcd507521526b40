import { Injectable, Logger } from '@nestjs/common';
import { Contact, DomainError, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { InboundContact, IntakeResult, IntakeService, ReceiveOptions } from '@centralino/intake';
import { ContactRepository, OperatorRecord } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import { CallbackService, ContactFlowService } from '@centralino/routing';
import type { ClarifyQuestion, DirectoryTarget } from '@centralino/triage';
import {
  CallAction,
  EnqueueAction,
  GatherAction,
  MessageField,
  parseOperatorEndpoint,
  SayAction,
} from './call-actions';
import { StartMessageOptions, VoiceMessageFlow } from './voice-message.service';
import {
  callbackConfirmedPrompt,
  callbackOfferPrompt,
  callbackUnavailablePrompt,
  closedPrompt,
  positionPrompt,
  sorryPrompt,
  transferringPrompt,
} from './wait-prompts';

/** Seconds of silence (or hold music) between two position announcements. */
export const HOLD_PAUSE_SECONDS = 15;
/** How long an operator's endpoint rings before the caller hears an apology. */
export const OPERATOR_RING_SECONDS = 30;
/** How long a directory entry's phone rings before the caller hears an apology. */
export const DIRECTORY_RING_SECONDS = 30;
/** The `note` kind reports count as transfers (as the console's transfers: libs/routing). */
const TRANSFER_NOTE_KIND = 'transfer';

/**
 * The provider-neutral voice call flow: greet and gather (triage input), enqueue with a wait loop that
 * announces the position, connect to the operator who accepted, record the end. It answers with abstract
 * actions; the provider adapters render or send them and never decide anything about the call.
 */
@Injectable()
export class CallFlow {
  private readonly logger = new Logger(CallFlow.name);

  constructor(
    private readonly intake: IntakeService,
    private readonly contacts: ContactRepository,
    private readonly flow: ContactFlowService,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly messages: VoiceMessageFlow,
    private readonly queues: QueueRegistry,
    private readonly callbacks: CallbackService,
  ) {}

  get defaultLanguage(): string {
    return this.frontOffice.data.company.defaultLanguage;
  }

  /** A new call: greeting in the company's language and a menu that takes digits or speech. */
  greet(): CallAction[] {
    const language = this.defaultLanguage;
    const greeting = this.frontOffice.prompt('greeting', language);
    return [
      {
        type: 'gather',
        input: ['dtmf', 'speech'],
        numDigits: 1,
        timeoutSeconds: 6,
        language,
        hints: this.speechHints(language),
        prompt: greeting ? { type: 'say', text: greeting, language } : null,
        next: 'gathered',
      },
    ];
  }

  /**
   * What the caller pressed or said: intake triages, stores and queues the call (idempotently by the
   * event key and by the provider's call id); the answer depends on where the contact now is.
   */
  async gathered(
    inbound: InboundContact,
    options: { announcePosition?: boolean; attempt?: number } & ReceiveOptions = {},
  ): Promise<{ result: IntakeResult; actions: CallAction[] }> {
    const { result, contact } = await this.intake.receiveContact(inbound, options);
    // Triage is unsure and the adapter renders questions (canClarify): ask, in the caller's language.
    if (result.clarify) {
      return { result, actions: [this.clarifyingGather(result.clarify, (options.attempt ?? 1) + 1)] };
    }
    const step = await this.afterTriage(result, contact);
    if (step) return step;
    return { result, actions: await this.actionsFor(contact, true, options.announcePosition ?? false) };
  }

  /**
   * What follows triage when the caller does not simply wait in a queue: a caller who asked for a person
   * or department of the directory is put through to its phone, or, without one, leaves a message for
   * it (rather than waiting at reception for someone to do either by hand). A retried delivery finds the
   * contact transferred or leaving a message and gets the same step again. Null: the caller waits.
   * `known`: the contact as intake just left it (not read again).
   */
  async afterTriage(
    result: IntakeResult,
    known?: Contact,
  ): Promise<{ result: IntakeResult; actions: CallAction[] } | null> {
    const contact = known?.id === result.contactId ? known : await this.contacts.findById(result.contactId);
    if (!contact) throw new DomainError('not_found', `Contact ${result.contactId} does not exist`);
    // The queue's rules diverted it (a message, or closed), or it was put through: that step, also on retries.
    if (contact.state === 'messaging' || contact.state === 'transferred' || contact.state === 'closed') {
      // Intake's result already tells the state of the contact it handed over.
      const now = contact === known ? result : await this.refreshed(result);
      return { result: now, actions: await this.actionsFor(contact, false) };
    }
    const target = contact.triage?.decision === 'directory' ? contact.triage.directoryTarget : undefined;
    if (!target || contact.state !== 'queued') return null;
    const actions = target.phone
      ? await this.transferToDirectory(contact, target, target.phone)
      : await this.startMessage(contact, { reason: 'unavailable', recipientId: target.id });
    return actions ? { result: await this.refreshed(result), actions } : null;
  }

  /**
   * Puts a waiting caller through to a directory entry's phone: the contact leaves its queue and ends
   * `transferred` (with the number, like a console transfer), then the provider dials the number. Null
   * when the contact is no longer waiting (an operator was offered it meanwhile): it carries on as it is.
   */
  private async transferToDirectory(
    contact: Contact,
    target: DirectoryTarget,
    number: string,
  ): Promise<CallAction[] | null> {
    const now = new Date();
    const moved = await this.contacts.transition(
      contact.id,
      ['queued'],
      'transferred',
      { endedAt: now },
      { reason: 'directory', directoryId: target.id, number },
      now,
      { kind: TRANSFER_NOTE_KIND, to: 'directory', directoryId: target.id },
    );
    if (!moved) return null;
    if (moved.problemType) {
      // A job a dispatcher holds right now is dropped by it: the contact is final.
      const job = await this.queues.waitingLine(moved.problemType).getJob(moved.id);
      await job?.remove().catch(() => undefined);
    }
    this.logger.log(
      { contactId: moved.id, directoryId: target.id, caller: maskPhone(moved.fromAddress) },
      'Caller put through to a directory entry',
    );
    return this.transferActions(moved);
  }

  /** What a caller put through to a directory entry hears and where the provider dials (also on retries). */
  private transferActions(contact: Contact): CallAction[] | null {
    const target = contact.triage?.directoryTarget;
    if (!target?.phone) return null;
    const language = contact.language ?? this.defaultLanguage;
    return [
      this.say(transferringPrompt(language, target.name), language),
      {
        type: 'transfer',
        number: target.phone,
        contactId: contact.id,
        timeoutSeconds: DIRECTORY_RING_SECONDS,
        next: 'dial-result',
      },
    ];
  }

  /** Intake's result with the contact's state now (after the flow moved it on). */
  private async refreshed(result: IntakeResult): Promise<IntakeResult> {
    const now = await this.contacts.findById(result.contactId);
    if (!now || now.state === result.state) return result;
    return { ...result, state: now.state, position: null, estimatedWait: null };
  }

  /** A clarifying question as a new gather in the caller's language (speech recognised in it too). */
  clarifyingGather(question: ClarifyQuestion, attempt: number): CallAction {
    const language = question.language;
    return {
      type: 'gather',
      input: ['dtmf', 'speech'],
      numDigits: 1,
      timeoutSeconds: 6,
      language,
      hints: [...question.options.map((option) => option.label), ...this.speechHints(language)].slice(0, 100),
      prompt: { type: 'say', text: question.prompt, language },
      next: 'gathered',
      attempt,
    };
  }

  /**
   * The entry point for flows that want the caller to leave a message (out of hours, queue overflow, a
   * person who is not available): the contact leaves its queue and the caller is asked for their name,
   * why they call and a number; the message reaches `recipientId`'s inbox (null: reception) and the
   * contact ends `message_taken`. Returns the actions to answer the provider with now; null when the
   * contact cannot leave a message (already offered, connected or ended): carry on as before.
   */
  startMessage(contact: Contact, options: StartMessageOptions): Promise<CallAction[] | null> {
    return this.messages.start(contact, options);
  }

  /**
   * An answer of the message flow (`field`: what was asked), reported by the provider; `eventKey` makes
   * a retried delivery harmless. Null for an unknown call.
   */
  async messageAnswer(
    provider: string,
    externalId: string,
    field: MessageField,
    input: { speech?: string; digits?: string },
    eventKey: string,
    /** The call's contact as the controller just read it (its account check): not read again. */
    known?: Contact | null,
  ): Promise<CallAction[] | null> {
    const contact = await this.contactOf(provider, externalId, known);
    if (!contact) {
      this.logger.warn({ provider, externalId }, 'Message answer for an unknown call');
      return null;
    }
    const actions = await this.messages.answer(contact, field, input, { provider, eventKey });
    if (actions) return actions;
    const now = (await this.contacts.findById(contact.id)) ?? contact;
    return this.actionsFor(now, false);
  }

  /**
   * The hold loop of a waiting call. Null when the caller should leave the holding room: a call
   * centralino does not know, or one whose caller is to leave a message (the provider's report that the
   * caller left the room then gets `leftHoldingRoom`'s questions).
   */
  async waiting(
    provider: string,
    externalId: string,
    /** `known`: the call's contact as the controller just read it (its account check): not read again. */
    options: { callbackInput?: boolean; known?: Contact | null } = {},
  ): Promise<CallAction[] | null> {
    const contact = await this.contactOf(provider, externalId, options.known);
    if (!contact) {
      this.logger.warn({ provider, externalId }, 'Wait request for an unknown call');
      return null;
    }
    if (contact.state === 'messaging') return null;
    if (options.callbackInput && this.callbacks.canOffer(contact))
      return [await this.holdWithCallback(contact)];
    return this.actionsFor(contact, false);
  }

  /**
   * One round of a hold loop that takes the callback key (Twilio's wait URL; the key loop of Vonage and
   * Telnyx): the position and the callback offer as a one-key gather, reported to the `callback` step
   * (empty: hold on).
   */
  private async holdWithCallback(contact: Contact): Promise<GatherAction> {
    const language = contact.language ?? this.defaultLanguage;
    const position = await this.flow.position(contact);
    const text = `${positionPrompt(language, position, null)} ${callbackOfferPrompt(language, this.callbacks.digit!)}`;
    return {
      type: 'gather',
      input: ['dtmf'],
      numDigits: 1,
      timeoutSeconds: HOLD_PAUSE_SECONDS,
      language,
      hints: [],
      prompt: this.say(text, language),
      next: 'callback',
    };
  }

  /**
   * The next round of the key loop of a provider without a wait URL (`parked`: Vonage, Telnyx): the
   * loop again while a callback can be offered; else the holding room (an `enqueue`: Vonage's
   * conversation, where the caller waits until the operator connect moves the call; Telnyx's call is
   * still parked in its queue), also while the call is being connected; a contact that no longer waits
   * gets its state's actions (the message questions, the closed prompt...).
   */
  private async holdRound(contact: Contact): Promise<CallAction[]> {
    if (this.callbacks.mayOffer(contact)) return [await this.holdWithCallback(contact)];
    switch (contact.state) {
      case 'queued':
      case 'offered':
      case 'connected':
        return [this.enqueue(contact)];
      default:
        return this.actionsFor(contact, false);
    }
  }

  private enqueue(contact: Contact, keyLoop?: GatherAction): EnqueueAction {
    return {
      type: 'enqueue',
      queue: contact.problemType ?? this.frontOffice.receptionQueue,
      contactId: contact.id,
      wait: 'wait',
      next: 'queue-result',
      ...(keyLoop ? { keyLoop } : {}),
    };
  }

  /**
   * A key pressed in the hold loop (`digits`, maybe none). The callback key: the contact keeps its place
   * as a callback to the caller's number, and the caller hears a confirmation and is hung up on; a
   * number that cannot be called (withheld) is told so and holds on. Any other key: hold on. A contact
   * that already has a callback (a retried report) gets the confirmation again. Null: unknown call.
   * `parked`: the key loop of a provider without a wait URL (Vonage, Telnyx), whose answer is the loop's
   * next round or the holding room (holdRound), since nothing fetches the hold loop again by itself.
   */
  async callbackKey(
    provider: string,
    externalId: string,
    digits: string | undefined,
    /** `known`: the call's contact as the controller just read it (its account check): not read again. */
    options: { parked?: boolean; known?: Contact | null } = {},
  ): Promise<CallAction[] | null> {
    const contact = await this.contactOf(provider, externalId, options.known);
    if (!contact) return null;
    const language = contact.language ?? this.defaultLanguage;
    if (contact.callback) return this.callbackConfirmed(language);
    if (!digits || digits !== this.callbacks.digit || contact.state !== 'queued') {
      if (options.parked) return this.holdRound(contact);
      return (await this.waiting(provider, externalId, { callbackInput: true, known: contact })) ?? [];
    }
    try {
      await this.callbacks.request(contact.id, this.callbacks.callerNumber(contact), 'voice');
      return this.callbackConfirmed(language);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      this.logger.log(
        { contactId: contact.id, code: error.code, caller: maskPhone(contact.fromAddress) },
        'Callback refused',
      );
      const now = (await this.contacts.findById(contact.id)) ?? contact;
      return [
        this.say(callbackUnavailablePrompt(language), language),
        ...(options.parked ? await this.holdRound(now) : await this.actionsFor(now, false)),
      ];
    }
  }

  private callbackConfirmed(language: string): CallAction[] {
    return [this.say(callbackConfirmedPrompt(language), language), { type: 'hangup' }];
  }

  /** What became of a callback's outbound call, reported by the provider for `attempt` (null: current). */
  async callbackStatus(contactId: string, attempt: number | null, status: string): Promise<Contact | null> {
    return this.callbacks.outcome(contactId, attempt, status);
  }

  /** The key that asks for a callback while this contact waits, or null when none can be offered. */
  async callbackKeyFor(contactId: string, known?: Contact): Promise<string | null> {
    // Without callbacks configured there is nothing to offer: no read on the webhook's path.
    if (!this.callbacks.digit) return null;
    const contact = known?.id === contactId ? known : await this.contacts.findById(contactId);
    return contact && this.callbacks.canOffer(contact) ? this.callbacks.digit : null;
  }

  /**
   * Whether this call's hold loop offers the callback key (callbacks on, a caller id that can be called
   * back, none asked for yet), whatever its state now: a provider whose loop runs by itself (Telnyx's
   * gather) stops it when the call is moved on.
   */
  holdsInKeyLoop(contact: Contact): boolean {
    return !!this.callbacks.digit && this.callbacks.offeredTo(contact);
  }

  /** Whether `digits` is the hold loop's callback key (callbacks configured). */
  isCallbackKey(digits: string | undefined): boolean {
    return !!digits && digits === this.callbacks.digit;
  }

  /**
   * The caller left the holding room on centralino's request because they are to leave a message: the
   * message flow's current question. Null when that is not why (the caller hung up, the room failed).
   */
  async leftHoldingRoom(
    provider: string,
    externalId: string,
    /** The call's contact as the controller just read it (its account check): not read again. */
    known?: Contact | null,
  ): Promise<CallAction[] | null> {
    const contact = await this.contactOf(provider, externalId, known);
    return contact?.state === 'messaging' ? this.messages.current(contact) : null;
  }

  /** The caller's current instructions: hold (with position), be connected, or be hung up on. */
  async actionsFor(contact: Contact, justQueued: boolean, announcePosition = false): Promise<CallAction[]> {
    const language = contact.language ?? this.defaultLanguage;
    switch (contact.state) {
      case 'received':
      case 'triaged':
      case 'queued':
      case 'offered': {
        // A caller who asked to be called back is only still on the line to be told goodbye.
        if (contact.callback) return this.callbackConfirmed(language);
        if (justQueued) {
          const queued = this.frontOffice.prompt('queued', language);
          // Providers without a wait URL hear their position once, before the holding room; when a
          // callback can be offered, their hold loop takes the key and says the position each round.
          const keyLoop =
            announcePosition && this.callbacks.mayOffer(contact)
              ? await this.holdWithCallback(contact)
              : undefined;
          const position = announcePosition && !keyLoop ? await this.flow.position(contact) : null;
          return [
            ...(queued ? [this.say(queued, language)] : []),
            ...(position ? [this.say(positionPrompt(language, position, null), language)] : []),
            this.enqueue(contact, keyLoop),
          ];
        }
        const position = await this.flow.position(contact);
        return [
          this.say(positionPrompt(language, position, null), language),
          { type: 'pause', seconds: HOLD_PAUSE_SECONDS },
        ];
      }
      case 'connected':
      case 'calling_back':
        // The bridge is moving the call to the operator (or calling the customer): keep the line quiet.
        return [{ type: 'pause', seconds: 5 }];
      case 'messaging':
        return this.messages.current(contact);
      case 'transferred': {
        // A retried report of the menu answer gets the same transfer; one an operator made does not.
        const events = await this.contacts.events(contact.id);
        const transferred = events.findLast((event) => event.type === 'transferred');
        const transfer = transferred?.data.reason === 'directory' ? this.transferActions(contact) : null;
        return transfer ?? [{ type: 'hangup' }];
      }
      case 'closed':
        return [this.say(await this.closedText(contact, language), language), { type: 'hangup' }];
      default:
        return [this.say(sorryPrompt(language), language), { type: 'hangup' }];
    }
  }

  /** The closed announcement of a contact the queue's rules ended, from its `closed` event. */
  private async closedText(contact: Contact, language: string): Promise<string> {
    const closed = (await this.contacts.events(contact.id)).findLast((event) => event.type === 'closed');
    const queue = String(closed?.data.queue ?? contact.problemType ?? this.frontOffice.receptionQueue);
    const reason = closed?.data.reason === 'out_of_hours' ? 'out_of_hours' : 'queue_full';
    const nextOpening =
      typeof closed?.data.nextOpening === 'string' ? new Date(closed.data.nextOpening) : null;
    return closedPrompt(language, reason, nextOpening, this.frontOffice.businessHoursFor(queue).timezone);
  }

  /** Connects a waiting caller to the operator who accepted (what a CallBridge sends to the provider). */
  connect(contact: Contact, operator: OperatorRecord): CallAction[] {
    return [
      {
        type: 'connect',
        endpoint: parseOperatorEndpoint(operator.endpoint, operator.username),
        contactId: contact.id,
        timeoutSeconds: OPERATOR_RING_SECONDS,
        next: 'dial-result',
      },
      { type: 'hangup' },
    ];
  }

  /** An apology and a hang-up: the call could not be completed (no operator answered, queue error). */
  apology(language: string | null): CallAction[] {
    const spoken = language ?? this.defaultLanguage;
    return [this.say(sorryPrompt(spoken), spoken), { type: 'hangup' }];
  }

  /**
   * The call ended on the provider's side: abandoned while waiting, completed once connected; a final
   * contact stays as it is (late or repeated events change nothing). Null for an unknown call.
   */
  async ended(
    provider: string,
    eventKey: string,
    externalId: string,
    reason: string,
    from?: string,
    /** The call's contact as the controller just read it (its account check): not read again. */
    known?: Contact | null,
  ): Promise<IntakeResult | null> {
    try {
      // A caller who hangs up after saying why they called has left their message.
      const contact = await this.contactOf(provider, externalId, known);
      if (contact?.state === 'messaging') await this.messages.settle(contact);
      // The outbound call of a callback ended before it was answered (or, `completed`, after).
      if (contact?.state === 'calling_back') await this.callbacks.outcome(contact.id, null, reason);
      // Either of those moved the contact on: intake reads it again.
      const unchanged = contact && contact.state !== 'messaging' && contact.state !== 'calling_back';
      return await this.intake.ended(provider, eventKey, externalId, reason, unchanged ? contact : undefined);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'unknown_call') {
        this.logger.log(
          { provider, externalId, from: maskPhone(from), reason },
          'End of an unknown call ignored',
        );
        return null;
      }
      throw error;
    }
  }

  findContact(provider: string, externalId: string): Promise<Contact | null> {
    return this.contacts.findByExternalId(provider, externalId);
  }

  /**
   * The contact of `provider`'s call `externalId`: `known` when it is that call's (the controller read
   * it for the account check of the same request), else read. A call not known then is read again: it
   * may have become known since (a hang-up racing the menu's answer).
   */
  private contactOf(provider: string, externalId: string, known?: Contact | null): Promise<Contact | null> {
    return known?.provider === provider && known.externalId === externalId
      ? Promise.resolve(known)
      : this.contacts.findByExternalId(provider, externalId);
  }

  contactById(contactId: string): Promise<Contact | null> {
    return this.contacts.findById(contactId);
  }

  say(text: string, language: string): SayAction {
    return { type: 'say', text, language };
  }

  /** Keywords and names of the problem types in a language, for the speech recogniser. */
  private speechHints(language: string): string[] {
    const hints = new Set<string>();
    for (const type of this.frontOffice.problemTypes) {
      for (const keyword of type.keywords[language] ?? []) hints.add(keyword);
      const name = type.name[language];
      if (name) hints.add(name);
    }
    return [...hints].slice(0, 100);
  }
}
