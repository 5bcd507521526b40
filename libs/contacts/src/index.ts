export * from './contact';
export * from './contact-state';
export * from './contact-state-machine';
export * from './domain-error';
export * from './phone-mask';
export * from './department-message-sink';
export * from './taken-message';
