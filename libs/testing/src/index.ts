export * from './private-postgres';
export * from './pglite-template';
