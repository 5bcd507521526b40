export * from './error-response';
export * from './error-response.filter';
export * from './http-hardening';
export * from './logger-options';
export * from './metrics.service';
export * from './observability.module';
export * from './shutdown-state';
export * from './webhook-metrics.interceptor';
