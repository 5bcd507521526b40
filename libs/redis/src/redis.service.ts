import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisOptions } from './redis-options';

/**
 * Owns every Redis connection of the process, so shutdown closes them all. `client` is the shared
 * command connection; blocking or subscribing users ask for their own with `create()`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly extra: Redis[] = [];

  constructor(readonly options: RedisOptions) {
    this.client = this.create();
  }

  /** A new connection; BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on. */
  create(overrides: { maxRetriesPerRequest?: number | null } = {}): Redis {
    const connection = new Redis(this.options.url, { maxRetriesPerRequest: null, ...overrides });
    this.extra.push(connection);
    return connection;
  }

  key(...parts: string[]): string {
    return [this.options.prefix, ...parts].join(':');
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.extra.map((connection) => connection.quit().catch(() => connection.disconnect())));
  }
}
