import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { DomainError } from '@centralino/contacts';
import { FrontOfficeConfig } from '@centralino/config';
import { RedisService } from '@centralino/redis';

/**
 * Flood protection for customers' messages: a budget per connection and a larger one per client IP,
 * counted in Redis so it holds across instances. Over budget → `rate_limited` with the time to wait.
 */
@Injectable()
export class ChatRateLimiter {
  private readonly perConnection: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(redis: RedisService, frontOffice: FrontOfficeConfig) {
    const { messagesPerConnection, messagesPerIp, rateWindowSeconds } = frontOffice.data.chat;
    const common = { storeClient: redis.client, duration: rateWindowSeconds, useRedisPackage: false };
    this.perConnection = new RateLimiterRedis({
      ...common,
      points: messagesPerConnection,
      keyPrefix: redis.key('chat-rate:conn'),
    });
    this.perIp = new RateLimiterRedis({
      ...common,
      points: messagesPerIp,
      keyPrefix: redis.key('chat-rate:ip'),
    });
  }

  async consume(connectionId: string, ip: string): Promise<void> {
    try {
      await this.perConnection.consume(connectionId);
      await this.perIp.consume(ip);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      throw new DomainError('rate_limited', 'You are sending messages too fast; wait a moment', {
        retryAfterMs: refusal.msBeforeNext,
      });
    }
  }
}
