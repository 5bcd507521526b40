export * from './contact';
export * from './contact-state';
export * from './contact-state-machine';
export * from './domain-error';
export * from './phone-mask';
