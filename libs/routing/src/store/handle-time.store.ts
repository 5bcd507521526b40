import { Injectable } from '@nestjs/common';
import { RedisService } from '@centralino/redis';

/** The most recent handle times per queue, for wait estimates. */
@Injectable()
export class HandleTimeStore {
  private static readonly KEEP = 50;

  constructor(private readonly redis: RedisService) {}

  async record(queue: string, seconds: number): Promise<void> {
    const key = this.redis.key('aht', queue);
    await this.redis.client
      .multi()
      .lpush(key, String(seconds))
      .ltrim(key, 0, HandleTimeStore.KEEP - 1)
      .exec();
  }

  async recent(queue: string): Promise<number[]> {
    return (await this.redis.client.lrange(this.redis.key('aht', queue), 0, -1)).map(Number);
  }
}
