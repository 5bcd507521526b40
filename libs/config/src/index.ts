export * from './app-config';
export * from './config-error';
export * from './config.module';
export * from './env.schema';
export * from './front-office-config';
export * from './front-office.schema';
export * from './provider-accounts';
export * from './provider-accounts.schema';
