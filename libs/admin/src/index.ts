export * from './admin.module';
export * from './user-admin.service';
