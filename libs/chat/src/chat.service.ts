import { Injectable, Logger } from '@nestjs/common';
import { Contact, DomainError, FINAL_STATES, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { IntakeResult, IntakeService } from '@centralino/intake';
import {
  ChatConversationRecord,
  ChatMessageRecord,
  ChatTranscriptRepository,
  ContactRepository,
  NewChatMessage,
  OperatorRepository,
} from '@centralino/persistence';
import type { ChatLine, ChatStatus, QuickReply } from '@centralino/realtime/chat-events.contract';
import { CallbackService, ContactFlowService, formatOpening, OperatorNotifier } from '@centralino/routing';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { toChatLine, WEBCHAT_PROVIDER } from './chat-line';
import { phrase, waitPhrase } from './chat-phrases';
import { CustomerNotifier } from './customer-notifier';
import { ResumeTokenService } from './resume-token.service';

/** Who is sending: the widget's socket, for the flood limits. */
export interface CustomerConnection {
  connectionId: string;
  ip: string;
}

/**
 * The customer's side of a web chat: start, triage by the bot (with quick replies when it is unsure),
 * queueing with position and estimated wait, then relaying lines to the operator who accepted. A chat is
 * a contact like a call (provider `webchat`, channel `chat`): intake, routing and the final states are
 * the same; this service only adds the transcript and the conversation with the customer.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    private readonly transcripts: ChatTranscriptRepository,
    private readonly contacts: ContactRepository,
    private readonly operators: OperatorRepository,
    private readonly intake: IntakeService,
    private readonly flow: ContactFlowService,
    private readonly frontOffice: FrontOfficeConfig,
    private readonly customers: CustomerNotifier,
    private readonly operatorConsoles: OperatorNotifier,
    private readonly resumeTokens: ResumeTokenService,
    private readonly rateLimiter: ChatRateLimiter,
    private readonly callbacks: CallbackService,
  ) {}

  async start(input: { language?: string; name?: string }) {
    const languages = this.frontOffice.data.company.languages;
    const language =
      input.language && languages.includes(input.language)
        ? input.language
        : this.frontOffice.data.company.defaultLanguage;
    const conversation = await this.transcripts.startConversation(language, input.name || null);
    await this.transcripts.append({
      conversationId: conversation.id,
      author: 'bot',
      text: phrase('greeting', language, { company: this.frontOffice.data.company.name }),
    });
    this.logger.log({ conversationId: conversation.id, language }, 'Chat started');
    return { conversationId: conversation.id, resumeToken: this.resumeTokens.issue(conversation.id) };
  }

  /** Everything a (re)connecting widget shows. */
  async snapshot(conversationId: string) {
    const conversation = await this.conversation(conversationId);
    const contact = await this.contactOf(conversationId);
    return {
      conversationId,
      language: contact?.language ?? conversation.language,
      status: await this.status(contact),
      transcript: await this.transcript(conversationId),
    };
  }

  async transcript(conversationId: string): Promise<ChatLine[]> {
    const records = await this.transcripts.transcript(conversationId);
    const names = await this.operatorNames(records);
    return records.map((record) => toChatLine(record, names));
  }

  /**
   * A customer line. Idempotent on `clientId`: a resent line is stored once and triaged once (intake
   * deduplicates on the same event key), so a retry after a lost acknowledgement is always safe.
   */
  async send(
    conversationId: string,
    input: { clientId: string; text: string; reply?: string },
    from: CustomerConnection,
  ): Promise<ChatLine> {
    this.checkLength(input.text);
    await this.rateLimiter.consume(from.connectionId, from.ip);
    const conversation = await this.conversation(conversationId);
    let contact = await this.contactOf(conversationId);
    if (contact && FINAL_STATES.has(contact.state)) {
      throw new DomainError('conversation_ended', 'This conversation has ended; start a new one');
    }
    const { message, created } = await this.transcripts.append({
      conversationId,
      author: 'customer',
      text: input.text,
      clientId: input.clientId,
    });
    const line = toChatLine(message, new Map());
    if (created) await this.customers.emit(conversationId, 'chat.message', line);

    if (!contact || contact.state === 'received') {
      const result = await this.triage(conversation, contact, input);
      contact = await this.contacts.findById(result.contactId);
      if (!result.duplicate) await this.answerTriage(conversation, result);
    } else if (contact.state === 'connected' && contact.operatorId && created) {
      await this.operatorConsoles.emit(contact.operatorId, 'chat.message', {
        contactId: contact.id,
        message: line,
      });
    }
    return line;
  }

  async typing(conversationId: string, typing: boolean): Promise<void> {
    const contact = await this.contactOf(conversationId);
    if (contact?.state === 'connected' && contact.operatorId) {
      await this.operatorConsoles.emit(contact.operatorId, 'chat.typing', { contactId: contact.id, typing });
    }
  }

  /** The customer read the lines up to `upTo`: read receipts to the operator. */
  async read(conversationId: string, upTo: string): Promise<{ messageIds: string[] }> {
    const until = await this.transcripts.findMessage(upTo);
    if (!until || until.conversationId !== conversationId) {
      throw new DomainError('not_found', 'No such message in this conversation');
    }
    const messageIds = await this.transcripts.markRead(conversationId, ['operator', 'bot'], until.at);
    const contact = await this.contactOf(conversationId);
    if (messageIds.length > 0 && contact?.operatorId && contact.state === 'connected') {
      await this.operatorConsoles.emit(contact.operatorId, 'chat.read', {
        contactId: contact.id,
        messageIds,
        at: Date.now(),
      });
    }
    return { messageIds };
  }

  /** The customer closes the chat: completed if they were talking, abandoned if still waiting. */
  async end(conversationId: string): Promise<ChatStatus> {
    const contact = await this.contactOf(conversationId);
    if (contact && !FINAL_STATES.has(contact.state)) {
      await this.flow.end(contact.id, 'customer_ended');
      await this.announceEnd(conversationId, contact.language);
    }
    return this.status(await this.contactOf(conversationId));
  }

  /**
   * "Call me back" from the widget: the waiting chat keeps its place as a callback to `number` (docs/
   * routing.md, "Callbacks"); the bot confirms and the status says so. Refused with a reason: a number
   * that is not E.164, no callbacks here, a chat not waiting. Repeating it changes nothing.
   */
  async requestCallback(conversationId: string, number: string): Promise<ChatStatus> {
    const contact = await this.contactOf(conversationId);
    if (!contact) throw new DomainError('conflict', 'Say what you need first: then you can be called back');
    const had = !!contact.callback;
    const requested = await this.callbacks.request(contact.id, number, 'chat');
    if (!had && requested.callback) {
      const language = requested.language ?? this.frontOffice.data.company.defaultLanguage;
      await this.say(
        conversationId,
        phrase('callback', language, { number: maskPhone(requested.callback.number) }),
      );
    }
    const status = await this.status(requested);
    await this.customers.emit(conversationId, 'chat.status', status);
    return status;
  }

  /** A bot line to the customer, stored in the transcript. */
  async say(
    conversationId: string,
    text: string,
    extra: Pick<NewChatMessage, 'options'> = {},
  ): Promise<ChatLine> {
    const { message } = await this.transcripts.append({ conversationId, author: 'bot', text, ...extra });
    const line = toChatLine(message, new Map());
    await this.customers.emit(conversationId, 'chat.message', line);
    return line;
  }

  async announceEnd(conversationId: string, language: string | null): Promise<void> {
    await this.say(
      conversationId,
      phrase('ended', language ?? this.frontOffice.data.company.defaultLanguage),
    );
    await this.customers.emit(
      conversationId,
      'chat.status',
      await this.status(await this.contactOf(conversationId)),
    );
  }

  /** Where the customer stands, as the widget shows it. */
  async status(contact: Contact | null): Promise<ChatStatus> {
    if (!contact || contact.state === 'received' || contact.state === 'triaged') {
      return { state: 'triage', position: null, estimatedWait: null };
    }
    if (FINAL_STATES.has(contact.state)) return { state: 'ended', position: null, estimatedWait: null };
    if (contact.state === 'messaging') {
      // The queue's rules sent it to leave a message: the widget shows its form.
      const started = await this.diversion(contact, 'messaging');
      return {
        state: 'message',
        position: null,
        estimatedWait: null,
        canLeaveMessage: true,
        messageReason: started?.data.reason === 'out_of_hours' ? 'out_of_hours' : 'overflow',
      };
    }
    if (contact.state === 'connected') {
      const operator = contact.operatorId ? await this.operators.findById(contact.operatorId) : null;
      return {
        state: 'talking',
        position: null,
        estimatedWait: null,
        operatorName: operator?.displayName ?? '',
      };
    }
    const position = await this.flow.position(contact);
    const waiting: ChatStatus = {
      state: 'waiting',
      position,
      estimatedWait: await this.flow.estimatedWait(contact, position),
    };
    // A callback is waiting for its call (or being called, or between attempts): it is not on the line.
    if (contact.callback) return { ...waiting, callback: { number: maskPhone(contact.callback.number) } };
    return this.callbacks.canOffer(contact) ? { ...waiting, canRequestCallback: true } : waiting;
  }

  contactOf(conversationId: string): Promise<Contact | null> {
    return this.contacts.findByExternalId(WEBCHAT_PROVIDER, conversationId);
  }

  private async triage(
    conversation: ChatConversationRecord,
    contact: Contact | null,
    input: { clientId: string; text: string; reply?: string },
  ): Promise<IntakeResult> {
    const digits = input.reply ? this.digitFor(input.reply) : undefined;
    const inbound = {
      provider: WEBCHAT_PROVIDER,
      eventKey: `${conversation.id}:${input.clientId}`,
      externalId: conversation.id,
      ...(digits ? { digits } : { text: input.text }),
      canClarify: true,
    };
    if (!contact) {
      return this.intake.receive({
        ...inbound,
        channel: 'chat',
        from: `webchat:${conversation.id}`,
        to: WEBCHAT_PROVIDER,
      });
    }
    return this.intake.input(inbound);
  }

  /** The bot's answer to a triage step: a clarifying question with quick replies, or "you are queued". */
  private async answerTriage(conversation: ChatConversationRecord, result: IntakeResult): Promise<void> {
    const language = result.language ?? conversation.language;
    if (result.clarify) {
      const options: QuickReply[] = [
        ...result.clarify.options.map((option) => ({ label: option.label, value: option.problemType })),
        { label: phrase('person', language), value: 'person' },
      ];
      await this.say(conversation.id, result.clarify.prompt, { options });
      return;
    }
    if (result.state === 'messaging' || result.state === 'closed') {
      const contact = await this.contactOf(conversation.id);
      if (contact) await this.say(conversation.id, await this.diversionNotice(contact, language));
    } else if (result.state === 'queued' && result.queue) {
      const queue = this.queueName(result.queue, language);
      const text = result.estimatedWait
        ? phrase('queued', language, {
            queue,
            position: result.position ?? 1,
            wait: waitPhrase(result.estimatedWait.expected, language),
          })
        : phrase('queuedNoEstimate', language, { queue, position: result.position ?? 1 });
      await this.say(conversation.id, text);
    }
    await this.customers.emit(
      conversation.id,
      'chat.status',
      await this.status(await this.contactOf(conversation.id)),
    );
  }

  /** A waiting chat the queue's rules diverted (maximum wait): the bot says why, the widget follows. */
  async announceDiversion(contact: Contact): Promise<void> {
    const language = contact.language ?? this.frontOffice.data.company.defaultLanguage;
    await this.say(contact.externalId, await this.diversionNotice(contact, language));
    await this.customers.emit(contact.externalId, 'chat.status', await this.status(contact));
  }

  /**
   * What the bot says when the queue's rules divert a chat: leave a message (closed, or busy), or
   * closed with the next opening (in the queue's time zone) or busy, and the conversation ends.
   */
  private async diversionNotice(contact: Contact, language: string): Promise<string> {
    if (contact.state === 'messaging') {
      const started = await this.diversion(contact, 'messaging');
      return phrase(
        started?.data.reason === 'out_of_hours' ? 'leaveMessageClosed' : 'leaveMessageBusy',
        language,
      );
    }
    const closed = await this.diversion(contact, 'closed');
    if (closed?.data.reason !== 'out_of_hours') return phrase('busy', language);
    const queue = String(closed.data.queue ?? contact.problemType ?? this.frontOffice.receptionQueue);
    const opening = typeof closed.data.nextOpening === 'string' ? new Date(closed.data.nextOpening) : null;
    if (!opening) return phrase('closed', language);
    const when = formatOpening(opening, language, this.frontOffice.businessHoursFor(queue).timezone);
    return `${phrase('closed', language)} ${phrase('reopens', language, { when })}`;
  }

  /** The event by which the queue's rules diverted the contact (its data: reason, queue, ...). */
  private async diversion(contact: Contact, type: 'messaging' | 'closed') {
    return (await this.contacts.events(contact.id)).findLast((event) => event.type === type);
  }

  /** A quick reply's value as the IVR digit of its problem type ("person": the reception queue). */
  private digitFor(reply: string): string | undefined {
    const problemType = reply === 'person' ? this.frontOffice.receptionQueue : reply;
    return this.frontOffice.problemType(problemType)?.digit;
  }

  private queueName(queue: string, language: string): string {
    const names = this.frontOffice.problemType(queue)?.name ?? {};
    return names[language] ?? names[this.frontOffice.data.company.defaultLanguage] ?? queue;
  }

  private checkLength(text: string): void {
    const max = this.frontOffice.data.chat.maxMessageLength;
    if (text.length > max) {
      throw new DomainError('message_too_long', `A message can be at most ${max} characters`, { max });
    }
  }

  private async conversation(conversationId: string): Promise<ChatConversationRecord> {
    const conversation = await this.transcripts.findConversation(conversationId);
    if (!conversation) throw new DomainError('not_found', 'No such conversation');
    return conversation;
  }

  private async operatorNames(records: ChatMessageRecord[]): Promise<Map<string, string>> {
    const ids = [...new Set(records.map((record) => record.operatorId).filter((id): id is string => !!id))];
    const operators = await this.operators.findByIds(ids);
    return new Map(operators.map((operator) => [operator.id, operator.displayName]));
  }
}
