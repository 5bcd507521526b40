import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  Contact,
  ContactEvent,
  DepartmentMessageSink,
  maskPhone,
  TakenMessageSource,
} from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ContactRepository } from '@centralino/persistence';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import { ContactFlowService, MESSAGE_EXPIRY_SECONDS, messageExpiryJobId } from '@centralino/routing';
import { CallAction, GatherAction, MESSAGE_FIELDS, MessageField } from './call-actions';
import { MessageReason, messagePrompts } from './message-prompts';

/** The event kind of one answer of the message flow (a `note` in the contact's event log). */
const ANSWER_KIND = 'voice_message';

export interface StartMessageOptions {
  reason: MessageReason;
  /** Directory id of the person or department the message is for; null = the reception desk. */
  recipientId: string | null;
  /** Spoken instead of the built-in introduction (e.g. the company's own out-of-hours text). */
  intro?: string;
}

/** A message being left: why, for whom, and the answers given so far. */
interface Draft {
  reason: MessageReason;
  recipientId: string | null;
  answers: Partial<Record<MessageField, string>>;
}

/**
 * The voice message flow: the caller leaves their name, why they call (a speech transcript, as the
 * provider recognised it) and a number to be called back on (the caller id, or digits), and the message
 * reaches the department through the `DepartmentMessageSink`; the contact ends `message_taken`.
 *
 * While the caller speaks the contact is `messaging`, out of its waiting line, so no operator is offered
 * it. Every answer is a `note` event of the contact (recorded once per provider event), so the flow
 * survives retries and restarts and any instance can take the next step. A caller who hangs up after
 * saying why they called still leaves the message; one who hangs up before is abandoned. A durable timer
 * settles a call whose provider never reports its end.
 */
@Injectable()
export class VoiceMessageFlow implements OnModuleInit {
  private readonly logger = new Logger(VoiceMessageFlow.name);

  constructor(
    private readonly contacts: ContactRepository,
    private readonly queues: QueueRegistry,
    private readonly timers: TimerHandlerRegistry,
    private readonly sink: DepartmentMessageSink,
    private readonly flow: ContactFlowService,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  onModuleInit(): void {
    this.timers.register('voice-message.expire', async ({ contactId }) => {
      const contact = await this.contacts.findById(contactId);
      if (contact?.state !== 'messaging') return;
      if (!(await this.settle(contact))) await this.flow.end(contactId, 'message_timeout');
    });
  }

  /**
   * Takes the contact out of its queue and asks for the message. Null when the contact cannot leave one
   * now (offered to an operator, connected, or over): the caller carries on where they are. Calling it
   * again for a contact already leaving a message repeats the current question.
   */
  async start(contact: Contact, options: StartMessageOptions): Promise<CallAction[] | null> {
    if (contact.state === 'messaging') return this.current(contact);
    const moved = await this.contacts.transition(
      contact.id,
      ['received', 'triaged', 'queued'],
      'messaging',
      {},
      {
        reason: options.reason,
        recipientId: options.recipientId,
      },
    );
    if (!moved) {
      const now = await this.contacts.findById(contact.id);
      return now?.state === 'messaging' ? this.current(now) : null;
    }
    if (moved.problemType) {
      // A job a dispatcher holds right now is dropped by it: it sees the contact is `messaging`.
      const job = await this.queues.waitingLine(moved.problemType).getJob(moved.id);
      await job?.remove().catch(() => undefined);
    }
    await this.queues.schedule(
      'voice-message.expire',
      { contactId: moved.id },
      { delayMs: MESSAGE_EXPIRY_SECONDS * 1000, jobId: messageExpiryJobId(moved.id) },
    );
    this.logger.log(
      { contactId: moved.id, reason: options.reason, recipientId: options.recipientId },
      'Voice message started',
    );
    const language = this.language(moved);
    const intro =
      options.intro ??
      messagePrompts.intro(options.reason, language, this.recipientName(options.recipientId));
    return [{ type: 'say', text: intro, language }, this.ask('name', language)];
  }

  /**
   * The question the caller of a `messaging` contact is being asked now (a repeated request). Before the
   * first answer it comes with the introduction: a contact the queue's rules sent to leave a message
   * (closed, full, waited too long) hears why here, as it never went through `start`.
   */
  async current(contact: Contact): Promise<CallAction[]> {
    const draft = await this.draft(contact.id);
    const actions = await this.next(contact, draft);
    if (Object.keys(draft.answers).length > 0) return actions;
    const language = this.language(contact);
    const intro = messagePrompts.intro(draft.reason, language, this.recipientName(draft.recipientId));
    return [{ type: 'say', text: intro, language }, ...actions];
  }

  /**
   * An answer reported by the provider: recorded once per `eventKey`, then the next question, or the
   * message is handed to the back office and the caller thanked. A contact that is no longer leaving a
   * message gets null (the caller carries on where the contact is), except a message already taken.
   */
  async answer(
    contact: Contact,
    field: MessageField,
    input: { speech?: string; digits?: string },
    receipt: { provider: string; eventKey: string },
  ): Promise<CallAction[] | null> {
    if (contact.state === 'message_taken') return this.goodbye(this.language(contact));
    if (contact.state !== 'messaging') return null;
    const value = (field === 'callback' ? input.digits : input.speech)?.trim() ?? '';
    // Null when this delivery was seen before or the caller hung up meanwhile: the reply then follows
    // from what is recorded.
    await this.contacts.advanceFromWebhook(
      contact.id,
      ['messaging'],
      [{ type: 'note', at: new Date(), data: { kind: ANSWER_KIND, field, value: value.slice(0, 5000) } }],
      {},
      { ...receipt, response: { contactId: contact.id, field } },
    );
    const fresh = (await this.contacts.findById(contact.id)) ?? contact;
    if (fresh.state === 'message_taken') return this.goodbye(this.language(fresh));
    if (fresh.state !== 'messaging') return null;
    return this.next(fresh, await this.draft(fresh.id));
  }

  /**
   * The caller hung up (or went silent) while leaving a message: it is taken if they said why they
   * called. False when there is nothing to keep; the contact then ends as any hang-up does.
   */
  async settle(contact: Contact): Promise<boolean> {
    if (contact.state !== 'messaging') return false;
    const draft = await this.draft(contact.id);
    if (!draft.answers.text) return false;
    await this.finish(contact, draft);
    return true;
  }

  private async next(contact: Contact, draft: Draft): Promise<CallAction[]> {
    const language = this.language(contact);
    const missing = MESSAGE_FIELDS.find((field) => draft.answers[field] === undefined);
    if (missing) return [this.ask(missing, language)];
    await this.finish(contact, draft);
    return this.goodbye(language);
  }

  private ask(field: MessageField, language: string): GatherAction {
    const prompt =
      field === 'name'
        ? messagePrompts.askName(language)
        : field === 'text'
          ? messagePrompts.askText(language)
          : messagePrompts.askCallback(language);
    return {
      type: 'gather',
      input: field === 'callback' ? ['dtmf'] : ['speech'],
      numDigits: field === 'callback' ? 20 : 1,
      ...(field === 'callback' ? { finishOnKey: '#' } : {}),
      timeoutSeconds: field === 'text' ? 8 : 6,
      language,
      hints: [],
      prompt: { type: 'say', text: prompt, language },
      next: 'message',
      field,
    };
  }

  private goodbye(language: string): CallAction[] {
    return [{ type: 'say', text: messagePrompts.thanks(language), language }, { type: 'hangup' }];
  }

  /** Hands the message to the back office (durable, idempotent per contact), then ends the contact. */
  private async finish(contact: Contact, draft: Draft): Promise<void> {
    const language = this.language(contact);
    const digits = draft.answers.callback?.replace(/[^0-9]/g, '') ?? '';
    // A few digits are a slip of the finger, not a number to call back.
    const callbackAddress = digits.length >= 5 ? digits : undefined;
    const source = VoiceMessageFlow.sourceOf(draft.reason);
    await this.sink.accept({
      contactId: contact.id,
      source,
      recipientId: draft.recipientId,
      callerAddress: contact.fromAddress || callbackAddress || 'anonymous',
      ...(draft.answers.name ? { callerName: draft.answers.name.slice(0, 200) } : {}),
      ...(callbackAddress ? { callbackAddress } : {}),
      problemType: contact.problemType,
      language,
      text: (draft.answers.text || messagePrompts.noText(language)).slice(0, 8000),
      urgency: 'normal',
      takenAt: new Date(),
    });
    const ended = await this.contacts.transition(
      contact.id,
      ['messaging'],
      'message_taken',
      { endedAt: new Date() },
      { source, reason: draft.reason, recipientId: draft.recipientId },
    );
    await this.queues.cancel(messageExpiryJobId(contact.id));
    if (ended) {
      this.logger.log(
        { contactId: contact.id, recipientId: draft.recipientId, caller: maskPhone(contact.fromAddress) },
        'Voice message taken',
      );
    }
  }

  /** The reason and recipient of the latest `messaging` event, and the answers recorded after it. */
  private async draft(contactId: string): Promise<Draft> {
    const events = await this.contacts.events(contactId);
    const startIndex = events.findLastIndex((event) => event.type === 'messaging');
    const start: ContactEvent | undefined = events[startIndex];
    const answers: Draft['answers'] = {};
    for (const event of events.slice(startIndex + 1)) {
      if (event.type !== 'note' || event.data.kind !== ANSWER_KIND) continue;
      const field = event.data.field as MessageField;
      if (MESSAGE_FIELDS.includes(field) && answers[field] === undefined) {
        answers[field] = String(event.data.value ?? '');
      }
    }
    return {
      reason: (start?.data.reason as MessageReason | undefined) ?? 'requested',
      recipientId: (start?.data.recipientId as string | null | undefined) ?? null,
      answers,
    };
  }

  private language(contact: Contact): string {
    return contact.language ?? this.frontOffice.data.company.defaultLanguage;
  }

  private recipientName(recipientId: string | null): string | null {
    if (!recipientId) return null;
    return this.frontOffice.data.directory.find((entry) => entry.id === recipientId)?.name ?? null;
  }

  /** Out of hours and overflow keep their own source (reports count them); any other reason is `voice`. */
  static sourceOf(reason: MessageReason): TakenMessageSource {
    return reason === 'out_of_hours' || reason === 'overflow' ? reason : 'voice';
  }
}
