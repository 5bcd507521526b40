export * from './back-office.module';
export * from './deliveries.processor';
export * from './department-directory';
export * from './department-message.service';
export * from './domain/inbox-access';
export * from './domain/message-status';
export * from './message-delivery.service';
export * from './webhook-signer';
