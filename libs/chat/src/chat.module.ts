import { Global, Module } from '@nestjs/common';
import { ChatPresenceService } from './chat-presence.service';
import { ChatRateLimiter } from './chat-rate-limiter.service';
import { ChatService } from './chat.service';
import { CustomerPresenceStore } from './customer-presence.store';
import { LeaveMessageService } from './leave-message.service';
import { OperatorChatService } from './operator-chat.service';
import { ResumeTokenService } from './resume-token.service';
import { WebchatBridge } from './webchat.bridge';

const providers = [
  ChatPresenceService,
  ChatRateLimiter,
  ChatService,
  CustomerPresenceStore,
  LeaveMessageService,
  OperatorChatService,
  ResumeTokenService,
  WebchatBridge,
];

/**
 * The web chat channel (docs/chat.md). Every role loads it: the customer-gone timer runs on workers, the
 * gateways (libs/realtime) on http. Expects a CustomerNotifier from the realtime module.
 */
@Global()
@Module({ providers, exports: providers })
export class ChatModule {}
