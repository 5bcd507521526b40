export * from './access-token';
export * from './auth.module';
export * from './auth.service';
export * from './jwt-auth.guard';
export * from './token-version.store';
export * from './refresh-token.store';
