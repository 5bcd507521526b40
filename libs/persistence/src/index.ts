export * from './database.service';
export * from './entities';
export * from './persistence.module';
export * from './repositories/contact.repository';
export * from './repositories/operator.repository';
export * from './repositories/chat-transcript.repository';
export * from './repositories/operator-event.repository';
