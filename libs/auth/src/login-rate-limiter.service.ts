import { Injectable } from '@nestjs/common';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@centralino/config';
import { DomainError } from '@centralino/contacts';
import { RedisService } from '@centralino/redis';

/**
 * Failed logins counted per username and client IP, in Redis so every instance shares the count. Over
 * the budget even the right password is refused until the window passes: guessing one account's
 * password from one address stops, while the same person on another account or another address (a
 * colleague behind the same NAT) is not locked out. The per-IP limit of every /auth route is separate
 * (hardenHttp).
 */
@Injectable()
export class LoginRateLimiter {
  private readonly failures: RateLimiterRedis;

  constructor(redis: RedisService, config: AppConfig) {
    this.failures = new RateLimiterRedis({
      storeClient: redis.client,
      useRedisPackage: false,
      points: config.env.LOGIN_FAILURES_PER_USER_IP,
      duration: config.env.LOGIN_FAILURES_WINDOW_SECONDS,
      keyPrefix: redis.key('auth', 'login-failures'),
    });
  }

  /** Throws `rate_limited` (with the seconds to wait) when this username+IP has no attempts left. */
  async check(username: string, ip: string): Promise<void> {
    const state = await this.failures.get(this.key(username, ip));
    if (state && state.remainingPoints <= 0) throw refusal(state);
  }

  /** Counts a failed attempt; from the next one on this username+IP is refused until the window ends. */
  async fail(username: string, ip: string): Promise<void> {
    try {
      await this.failures.consume(this.key(username, ip));
    } catch (error) {
      // Concurrent attempts can overshoot the budget; they are refused anyway at the next check.
      if (error instanceof RateLimiterRes) return;
      throw error;
    }
  }

  /** A successful login forgets the earlier failures. */
  async succeed(username: string, ip: string): Promise<void> {
    await this.failures.delete(this.key(username, ip));
  }

  private key(username: string, ip: string): string {
    return `${username.toLowerCase()}|${ip}`;
  }
}

function refusal(state: RateLimiterRes): DomainError {
  const retryAfterSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  return new DomainError(
    'rate_limited',
    `Too many failed logins for this user from this address, retry in ${retryAfterSeconds} seconds`,
    { retryAfterSeconds },
  );
}
