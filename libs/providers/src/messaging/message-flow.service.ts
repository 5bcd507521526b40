import { Injectable, Logger } from '@nestjs/common';
import { Channel, maskPhone } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { IntakeResult, IntakeService } from '@centralino/intake';
import { ContactRepository } from '@centralino/persistence';
import type { ClarifyQuestion } from '@centralino/triage';
import { positionPrompt } from '../call-flow/wait-prompts';

/** A text message as a provider adapter hands it over (SMS today; any text channel of a provider). */
export interface InboundMessage {
  provider: string;
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
    return { result, texts: this.replyTo(result) };
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
