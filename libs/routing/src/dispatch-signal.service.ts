import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RedisService } from '@centralino/redis';

/**
 * "Something changed, try to match": published when a contact is queued or an operator becomes
 * available, on any process; every dispatcher listens. Redis pub/sub keeps the decision latency low;
 * the dispatcher's periodic sweep covers a lost message.
 */
@Injectable()
export class DispatchSignal implements OnApplicationShutdown {
  private subscriber: Redis | null = null;

  constructor(private readonly redis: RedisService) {}

  private get channel(): string {
    return this.redis.key('dispatch');
  }

  async notify(): Promise<void> {
    await this.redis.client.publish(this.channel, '1');
  }

  async listen(onSignal: () => void): Promise<void> {
    this.subscriber = this.redis.create();
    this.subscriber.on('message', () => onSignal());
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.unsubscribe().catch(() => undefined);
  }
}
