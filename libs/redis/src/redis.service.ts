import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisOptions } from './redis-options';

/**
 * Owns every Redis connection of the process, so shutdown closes them all. `client` is the shared
 * command connection of centralino's own stores; BullMQ's queues and the socket.io emitters share
 * `direct`; blocking or subscribing users ask for their own with `create()`.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  /**
   * Auto-pipelined: every command issued in one event-loop turn goes out in one socket write. A routing
   * flow issues a dozen small commands and many flows run at once, and on a busy host each write is a
   * system call costing tens of microseconds (bench:routing profiles showed writes as the largest part
   * of the service's CPU). Order per connection is kept, so awaited sequences mean what they did.
   */
  readonly client: Redis;
  /**
   * Written at once, in the order issued: BullMQ's queues (as BullMQ is documented and tested with) and
   * the socket.io emitters, whose un-awaited publish must reach Redis before what the caller does next
   * through another connection (e.g. a console told `operator.logged_out`, then disconnected by the
   * adapter).
   */
  readonly direct: Redis;
  private readonly extra: Redis[] = [];

  constructor(readonly options: RedisOptions) {
    this.client = this.create({ enableAutoPipelining: true });
    this.direct = this.create();
  }

  /** A new connection; BullMQ needs `maxRetriesPerRequest: null` on the connections it blocks on. */
  create(overrides: { maxRetriesPerRequest?: number | null; enableAutoPipelining?: boolean } = {}): Redis {
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
