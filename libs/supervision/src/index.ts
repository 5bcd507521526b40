export * from './supervision.module';
