export * from './delivery-handler-registry';
export * from './job-contracts';
export * from './queue-metrics';
export * from './queue-registry.service';
export * from './queueing.module';
export * from './timer-handler';
export * from './timer-handler-registry';
export * from './timers.worker';
