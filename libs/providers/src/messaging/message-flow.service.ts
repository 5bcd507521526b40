import { Injectable, Logger } from '@nestjs/common';
import { Channel, Contact, DepartmentMessageSink, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { IntakeResult, IntakeService } from '@centralino/intake';
import { ContactRepository } from '@centralino/persistence';
import type { ClarifyQuestion } from '@centralino/triage';
import { QueueRegistry } from '@centralino/queueing';
import { messageExpiryJobId } from '@centralino/routing';
import { AccountOwnership } from '../accounts/account-ownership.service';
import { messagePrompts } from '../call-flow/message-prompts';
import { closedPrompt, positionPrompt } from '../call-flow/wait-prompts';

/** A text message as a provider adapter hands it over (SMS today; any text channel of a provider). */
export interface InboundMessage {
  provider: string;
  /**
   * The provider account the message came in on: stored on a new conversation; a message for an open
   * conversation (or a retried one) of another account is refused (`signature_account_mismatch`).
   */
  providerAccount?: string;
  /** The provider's id of this message: the idempotency key of its delivery. */
  messageId: string;
  from: string;
  to: string;
  text: string;
}

export interface MessageReply {
  result: IntakeResult;
  /** What to text back, one message each (none: the conversation is with an operator, or over). */
  texts: string[];
}

/**
 * The provider-neutral flow of a text conversation (SMS): the first message from an address opens a
 * contact that is triaged and queued like a call; later messages while it is open belong to it (the
 * answer to a clarifying question continues triage). One conversation, one contact, until it ends.
 */
@Injectable()
export class MessageFlow {
  private readonly logger = new Logger(MessageFlow.name);

  constructor(
    private readonly intake: IntakeService,
    private readonly contacts: ContactRepository,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly sink: DepartmentMessageSink,
    private readonly queues: QueueRegistry,
    private readonly ownership: AccountOwnership,
  ) {}

  async received(message: InboundMessage, channel: Channel = 'sms'): Promise<MessageReply> {
    const text = message.text.trim();
    // A lone menu digit ("2") answers the menu, or a question listing digits, like a key press.
    const digits = /^[0-9]$/.test(text) ? text : undefined;
    const said = digits ? undefined : text || undefined;
    const eventKey = `${channel}:${message.messageId}`;
    const open = await this.contacts.findOpenConversation(
      message.provider,
      channel,
      message.from,
      message.to,
    );
    if (message.providerAccount !== undefined) {
      // The conversation this message goes on (or, retried, went to) must be the signing account's.
      const known = open ?? (await this.receiptContact(message.provider, eventKey));
      if (known) this.ownership.assertOwnerOf(message.provider, known, message.providerAccount);
    }
    const result = open
      ? await this.intake.input({
          provider: message.provider,
          eventKey,
          externalId: open.externalId,
          digits,
          text: said,
          canClarify: true,
        })
      : await this.intake.receive({
          provider: message.provider,
          eventKey,
          externalId: message.messageId,
          providerAccount: message.providerAccount,
          channel,
          from: message.from,
          to: message.to,
          digits,
          text: said,
          canClarify: true,
        });
    this.logger.log(
      { contactId: result.contactId, from: maskPhone(message.from), state: result.state, channel },
      open ? 'Message in an open conversation' : 'Message opened a conversation',
    );
    const diverted = await this.diverted(result, text);
    return { result: diverted?.result ?? result, texts: diverted?.texts ?? this.replyTo(result) };
  }

  /** The contact a delivery already went to (a retried message of a conversation that has ended since). */
  private async receiptContact(provider: string, eventKey: string): Promise<Contact | null> {
    const receipt = await this.contacts.findReceipt(provider, eventKey);
    return receipt?.contactId ? this.contacts.findById(receipt.contactId) : null;
  }

  /**
   * The queue's rules diverted the conversation (docs/routing.md): sent to leave a message, what the
   * customer wrote is the message (a department message, the contact ends `message_taken`, texted a
   * confirmation); closed: texted the closed notice with the next opening. Null: not diverted.
   */
  private async diverted(result: IntakeResult, text: string): Promise<MessageReply | null> {
    const retried = result.duplicate && result.state === 'message_taken';
    if (result.state !== 'messaging' && result.state !== 'closed' && !retried) return null;
    const contact = await this.contacts.findById(result.contactId);
    if (!contact) return null;
    const language = contact.language ?? this.frontOffice.data.company.defaultLanguage;
    const events = await this.contacts.events(contact.id);
    if (retried) {
      // A retried delivery of the text that was taken as a message: the same confirmation.
      const taken = events.findLast((event) => event.type === 'message_taken');
      const source = taken?.data.source;
      if (source !== 'out_of_hours' && source !== 'overflow') return null;
      return { result, texts: [messagePrompts.textTaken(source, language)] };
    }
    if (contact.state === 'closed') {
      const closed = events.findLast((event) => event.type === 'closed');
      const queue = String(closed?.data.queue ?? contact.problemType ?? this.frontOffice.receptionQueue);
      const reason = closed?.data.reason === 'out_of_hours' ? 'out_of_hours' : 'queue_full';
      const opening = typeof closed?.data.nextOpening === 'string' ? new Date(closed.data.nextOpening) : null;
      const timeZone = this.frontOffice.businessHoursFor(queue).timezone;
      return { result, texts: [closedPrompt(language, reason, opening, timeZone)] };
    }
    if (contact.state !== 'messaging') return null;
    const started = events.findLast((event) => event.type === 'messaging');
    const reason = started?.data.reason === 'out_of_hours' ? 'out_of_hours' : 'overflow';
    await this.take(contact, reason, (started?.data.recipientId as string | null | undefined) ?? null, text);
    return {
      result: { ...result, state: 'message_taken' },
      texts: [messagePrompts.textTaken(reason, language)],
    };
  }

  /** Hands what the customer wrote to the back office (idempotent per contact) and ends the contact. */
  private async take(
    contact: Contact,
    reason: 'out_of_hours' | 'overflow',
    recipientId: string | null,
    text: string,
  ): Promise<void> {
    await this.sink.accept({
      contactId: contact.id,
      source: reason,
      recipientId,
      callerAddress: contact.fromAddress,
      problemType: contact.problemType,
      language: contact.language,
      // What opened the conversation, and the latest text when it is another one (a wait diverted later).
      text: [...new Set([contact.triage?.utterance, text].filter((part): part is string => !!part))]
        .join('\n')
        .slice(0, 8000),
      urgency: 'normal',
      takenAt: new Date(),
    });
    await this.contacts.transition(
      contact.id,
      ['messaging'],
      'message_taken',
      { endedAt: new Date() },
      { source: reason, reason, recipientId },
    );
    await this.queues.cancel(messageExpiryJobId(contact.id));
  }

  /** The bot's answer: a question with numbered options, or the queue position; nothing once connected. */
  replyTo(result: IntakeResult): string[] {
    const language = result.language ?? this.frontOffice.data.company.defaultLanguage;
    if (result.clarify) return [this.question(result.clarify)];
    if (result.state === 'queued' || result.state === 'offered') {
      const queued = this.frontOffice.prompt('queued', language);
      const wait = positionPrompt(language, result.position, result.estimatedWait?.expected ?? null);
      return [[queued, wait].filter(Boolean).join(' ')];
    }
    return [];
  }

  /** The clarifying question, then one line per option with the menu digit that chooses it. */
  private question(question: ClarifyQuestion): string {
    const lines = question.options.flatMap((option) => {
      const digit = this.frontOffice.problemType(option.problemType)?.digit;
      return digit ? [`${digit}: ${option.label}`] : [];
    });
    return [question.prompt, ...lines].join('\n');
  }
}
