export * from './admin.module';
export * from './queue-board';
export * from './user-admin.service';
