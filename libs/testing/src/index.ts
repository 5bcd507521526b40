export * from './private-postgres';
