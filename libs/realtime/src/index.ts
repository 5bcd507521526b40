export * from './chat-events.contract';
export * from './operator-events.contract';
export * from './realtime.module';
export * from './redis-io.adapter';
export * from './queue-stats.service';
