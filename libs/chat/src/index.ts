export * from './chat-line';
export * from './chat-presence.service';
export * from './chat.module';
export * from './chat.service';
export * from './customer-notifier';
export * from './leave-message.service';
export * from './operator-chat.service';
export * from './resume-token.service';
