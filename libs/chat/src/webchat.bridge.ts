import { Injectable, OnModuleInit } from '@nestjs/common';
import { Contact } from '@centralino/contacts';
import { OperatorRecord } from '@centralino/persistence';
import { CallBridge, CallBridges } from '@centralino/routing';
import { ChatService } from './chat.service';
import { WEBCHAT_PROVIDER } from './chat-line';
import { phrase } from './chat-phrases';
import { CustomerNotifier } from './customer-notifier';

/**
 * Routing's bridge for web chats: when an operator accepts, "connecting the call" means telling the
 * customer who joined, in their language, and switching the widget to the conversation; the console's
 * other actions (complete, take a message, transfer to a queue or a colleague) are told to the widget
 * the same way, so the customer is never left looking at a conversation nobody is in.
 */
@Injectable()
export class WebchatBridge extends CallBridge implements OnModuleInit {
  readonly provider = WEBCHAT_PROVIDER;

  constructor(
    private readonly bridges: CallBridges,
    private readonly chats: ChatService,
    private readonly customers: CustomerNotifier,
  ) {
    super();
  }

  onModuleInit(): void {
    this.bridges.register(this);
  }

  async connect(contact: Contact, operator: OperatorRecord): Promise<void> {
    const language = contact.language ?? 'en';
    await this.chats.say(contact.externalId, phrase('joined', language, { operator: operator.displayName }));
    await this.customers.emit(contact.externalId, 'chat.status', await this.chats.status(contact));
  }

  /** The operator completed the chat or took a message from it: the widget shows it ended. */
  override async hangUp(contact: Contact): Promise<void> {
    await this.chats.announceEnd(contact.externalId, contact.language);
  }

  /** The maximum wait took the chat out of its queue: the bot says why and the widget shows the form, or ends. */
  override async diverted(contact: Contact): Promise<void> {
    await this.chats.announceDiversion(contact);
  }

  /** Transferred to a queue or a colleague: the customer waits again, told so, with their position. */
  override async requeue(contact: Contact): Promise<void> {
    const language = contact.language ?? 'en';
    await this.chats.say(contact.externalId, phrase('transferred', language));
    await this.customers.emit(contact.externalId, 'chat.status', await this.chats.status(contact));
  }
}
