export * from './admin.module';
export * from './cli/admin-cli';
export * from './queue-board';
export * from './user-admin.service';
