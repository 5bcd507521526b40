import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { FINAL_STATES } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { QueueRegistry, TimerHandlerRegistry } from '@centralino/queueing';
import { ContactFlowService, OperatorNotifier } from '@centralino/routing';
import { ChatService } from './chat.service';
import { CustomerPresenceStore } from './customer-presence.store';

/**
 * Whether a chat customer is still there. When their last widget disconnects, a timer checks after the
 * grace period (`chat.resumeGraceSeconds`): back (a reload, a blip, another tab) → nothing happens;
 * gone while waiting → abandoned; gone while talking → the operator is told and closes the chat.
 */
@Injectable()
export class ChatPresenceService implements OnModuleInit {
  private readonly logger = new Logger(ChatPresenceService.name);

  constructor(
    private readonly presence: CustomerPresenceStore,
    private readonly queues: QueueRegistry,
    private readonly timers: TimerHandlerRegistry,
    private readonly chats: ChatService,
    private readonly flow: ContactFlowService,
    private readonly operatorConsoles: OperatorNotifier,
    private readonly frontOffice: FrontOfficeConfig,
  ) {}

  onModuleInit(): void {
    this.timers.register('chat.customer-gone', ({ conversationId }) => this.checkGone(conversationId));
  }

  connected(conversationId: string, socketId: string): Promise<void> {
    return this.presence.connected(conversationId, socketId);
  }

  heartbeat(sockets: { conversationId: string; socketId: string }[]): Promise<void> {
    return this.presence.heartbeat(sockets);
  }

  async disconnected(conversationId: string, socketId: string): Promise<void> {
    await this.presence.disconnected(conversationId, socketId);
    if (await this.presence.isPresent(conversationId)) return;
    await this.queues.schedule(
      'chat.customer-gone',
      { conversationId },
      {
        delayMs: this.frontOffice.data.chat.resumeGraceSeconds * 1000,
        jobId: `chat-gone.${conversationId}.${Date.now()}`,
      },
    );
  }

  private async checkGone(conversationId: string): Promise<void> {
    if (await this.presence.isPresent(conversationId)) return;
    const contact = await this.chats.contactOf(conversationId);
    if (!contact || FINAL_STATES.has(contact.state)) return;
    // A customer who asked to be called back may close the widget: the phone call goes on.
    if (contact.callback) return;
    if (contact.state === 'connected') {
      if (contact.operatorId) {
        await this.operatorConsoles.emit(contact.operatorId, 'chat.customer_left', { contactId: contact.id });
      }
      return;
    }
    const ended = await this.flow.end(contact.id, 'customer_left');
    this.logger.log({ contactId: contact.id, state: ended?.state }, 'Chat customer left while waiting');
  }
}
