import { Injectable } from '@nestjs/common';
import { Contact, DomainError } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { ChatTranscriptRepository, ContactRepository, OperatorRepository } from '@centralino/persistence';
import type { ChatLine } from '@centralino/realtime/chat-events.contract';
import { ContactFlowService } from '@centralino/routing';
import { ChatService } from './chat.service';
import { toChatLine, WEBCHAT_PROVIDER } from './chat-line';
import { CustomerNotifier } from './customer-notifier';

/** The operator's side of a web chat: the transcript, lines to the customer, receipts, closing. */
@Injectable()
export class OperatorChatService {
  constructor(
    private readonly transcripts: ChatTranscriptRepository,
    private readonly contacts: ContactRepository,
    private readonly operators: OperatorRepository,
    private readonly flow: ContactFlowService,
    private readonly chats: ChatService,
    private readonly customers: CustomerNotifier,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  /** The whole transcript, bot lines included, of a chat this operator has (or had) connected. */
  async transcript(operatorId: string, contactId: string): Promise<ChatLine[]> {
    const contact = await this.ownChat(operatorId, contactId, { connectedOnly: false });
    return this.chats.transcript(contact.externalId);
  }

  async send(
    operatorId: string,
    input: { contactId: string; clientId: string; text: string },
  ): Promise<ChatLine> {
    const max = this.frontOffice.data.chat.maxMessageLength;
    if (input.text.length > max) {
      throw new DomainError('message_too_long', `A message can be at most ${max} characters`, { max });
    }
    const contact = await this.ownChat(operatorId, input.contactId);
    const { message, created } = await this.transcripts.append({
      conversationId: contact.externalId,
      author: 'operator',
      operatorId,
      text: input.text,
      clientId: `${operatorId}:${input.clientId}`,
    });
    const operator = await this.operators.findById(operatorId);
    const line = toChatLine(message, new Map([[operatorId, operator?.displayName ?? '']]));
    if (created) await this.customers.emit(contact.externalId, 'chat.message', line);
    return line;
  }

  async typing(operatorId: string, contactId: string, typing: boolean): Promise<void> {
    const contact = await this.ownChat(operatorId, contactId);
    await this.customers.emit(contact.externalId, 'chat.typing', { typing });
  }

  /** The operator read the customer's lines up to `upTo`: read receipts to the widget. */
  async read(operatorId: string, contactId: string, upTo: string): Promise<{ messageIds: string[] }> {
    const contact = await this.ownChat(operatorId, contactId);
    const until = await this.transcripts.findMessage(upTo);
    if (!until || until.conversationId !== contact.externalId) {
      throw new DomainError('not_found', 'No such message in this chat');
    }
    const messageIds = await this.transcripts.markRead(contact.externalId, ['customer'], until.at);
    if (messageIds.length > 0) {
      await this.customers.emit(contact.externalId, 'chat.read', { messageIds, at: Date.now() });
    }
    return { messageIds };
  }

  /** Ends the chat as completed; the operator's wrap-up follows. */
  async close(operatorId: string, contactId: string): Promise<{ contactId: string; state: string }> {
    const contact = await this.ownChat(operatorId, contactId);
    const ended = await this.flow.end(contact.id, 'operator_closed');
    await this.chats.announceEnd(contact.externalId, contact.language);
    return { contactId, state: ended?.state ?? contact.state };
  }

  private async ownChat(
    operatorId: string,
    contactId: string,
    { connectedOnly } = { connectedOnly: true },
  ): Promise<Contact> {
    const contact = await this.contacts.findById(contactId);
    if (!contact || contact.provider !== WEBCHAT_PROVIDER || contact.operatorId !== operatorId) {
      throw new DomainError('forbidden', 'This chat is not yours');
    }
    if (connectedOnly && contact.state !== 'connected') {
      throw new DomainError('conversation_ended', 'This chat is no longer connected');
    }
    return contact;
  }
}
