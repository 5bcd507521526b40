import { Injectable, Logger } from '@nestjs/common';
import { DepartmentMessageSink, DomainError, FINAL_STATES, TakenMessageSource } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ChatTranscriptRepository, ContactRepository } from '@centralino/persistence';
import { QueueRegistry } from '@centralino/queueing';
import type { ChatStatus } from '@centralino/realtime/chat-events.contract';
import { messageExpiryJobId } from '@centralino/routing';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { toChatLine } from './chat-line';
import { phrase } from './chat-phrases';
import { ChatService, CustomerConnection } from './chat.service';
import { CustomerNotifier } from './customer-notifier';

export interface LeftMessage {
  name: string;
  /** A phone number or an e-mail address (validated by the contract). */
  contact: string;
  text: string;
}

/**
 * The widget's leave-a-message form: a chat the queue's rules sent to leave a message (closed, full, waited
 * too long; the contact is `messaging`) hands it to the back office through the `DepartmentMessageSink`,
 * for the department the rule names (null: reception), with the source `out_of_hours` or `overflow`, and
 * the contact ends `message_taken`. Idempotent: a resent form after a lost acknowledgement changes nothing.
 */
@Injectable()
export class LeaveMessageService {
  private readonly logger = new Logger(LeaveMessageService.name);

  constructor(
    private readonly chats: ChatService,
    private readonly contacts: ContactRepository,
    private readonly transcripts: ChatTranscriptRepository,
    private readonly sink: DepartmentMessageSink,
    private readonly queues: QueueRegistry,
    private readonly rateLimiter: ChatRateLimiter,
    private readonly customers: CustomerNotifier,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  async leave(conversationId: string, form: LeftMessage, from: CustomerConnection): Promise<ChatStatus> {
    const max = this.frontOffice.data.chat.maxMessageLength;
    if (form.text.length > max) {
      throw new DomainError('message_too_long', `A message can be at most ${max} characters`, { max });
    }
    await this.rateLimiter.consume(from.connectionId, from.ip);
    const contact = await this.chats.contactOf(conversationId);
    if (contact?.state === 'message_taken') return this.chats.status(contact);
    if (contact && FINAL_STATES.has(contact.state)) {
      throw new DomainError('conversation_ended', 'This conversation has ended; start a new one');
    }
    if (contact?.state !== 'messaging') {
      throw new DomainError('conflict', 'This conversation is not taking a message now');
    }
    const started = (await this.contacts.events(contact.id)).findLast((event) => event.type === 'messaging');
    const source: TakenMessageSource = started?.data.reason === 'out_of_hours' ? 'out_of_hours' : 'overflow';
    const recipientId = (started?.data.recipientId as string | null | undefined) ?? null;
    const language = contact.language ?? this.frontOffice.data.company.defaultLanguage;
    const isPhone = !form.contact.includes('@');
    // The form's lines join the transcript, so the contact's history shows what the customer left.
    const { message, created } = await this.transcripts.append({
      conversationId,
      author: 'customer',
      text: `${form.name} · ${form.contact}\n${form.text}`,
      clientId: `leave-message.${contact.id}`,
    });
    if (created) await this.customers.emit(conversationId, 'chat.message', toChatLine(message, new Map()));
    await this.sink.accept({
      contactId: contact.id,
      source,
      recipientId,
      callerAddress: form.contact,
      callerName: form.name,
      ...(isPhone ? { callbackAddress: form.contact.replace(/[ ().-]/g, '') } : {}),
      problemType: contact.problemType,
      language,
      text: form.text,
      urgency: 'normal',
      takenAt: new Date(),
    });
    const ended = await this.contacts.transition(
      contact.id,
      ['messaging'],
      'message_taken',
      { endedAt: new Date() },
      { source, reason: started?.data.reason ?? 'overflow', recipientId },
    );
    await this.queues.cancel(messageExpiryJobId(contact.id));
    if (ended) {
      this.logger.log(
        { correlationId: contact.id, contactId: contact.id, recipientId, source },
        'Chat message taken',
      );
      await this.chats.say(
        conversationId,
        phrase('messageTaken', language, { name: form.name, contact: form.contact }),
      );
    }
    const status = await this.chats.status(await this.chats.contactOf(conversationId));
    await this.customers.emit(conversationId, 'chat.status', status);
    return status;
  }
}
