export * from './error-response';
export * from './error-response.filter';
export * from './logger-options';
