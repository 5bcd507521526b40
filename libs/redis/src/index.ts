export * from './embedded-redis-server';
export * from './redis-options';
export * from './redis.module';
export * from './redis.service';
