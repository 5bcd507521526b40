import { Injectable } from '@nestjs/common';
import { FrontOfficeConfig } from '@centralino/config';
import { RedisService } from '@centralino/redis';

/** Counters the routing strategies read: last offer per queue (round-robin), contacts accepted today. */
@Injectable()
export class RoutingStatsStore {
  /** Today's counters outlive the day a little, for a dispatcher still on the old date at midnight. */
  private static readonly TODAY_TTL_SECONDS = 2 * 86_400;
  private readonly dayFormat: Intl.DateTimeFormat;

  constructor(
    private readonly redis: RedisService,
    frontOffice: FrontOfficeConfig,
  ) {
    // "Today" is the front office's day (its business-hours time zone), not the server's.
    this.dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: frontOffice.data.businessHours.timezone });
  }

  private todayKey(now = Date.now()): string {
    return this.redis.key('ops', 'handled', this.dayFormat.format(now));
  }

  async offered(queue: string, operatorId: string, at = Date.now()): Promise<void> {
    await this.redis.client.hset(this.redis.key('rr', queue), operatorId, at);
  }

  async lastOffered(queue: string): Promise<Map<string, number>> {
    const raw = await this.redis.client.hgetall(this.redis.key('rr', queue));
    return new Map(Object.entries(raw).map(([id, at]) => [id, Number(at)]));
  }

  async handled(operatorId: string): Promise<void> {
    const key = this.todayKey();
    await this.redis.client
      .multi()
      .hincrby(key, operatorId, 1)
      .expire(key, RoutingStatsStore.TODAY_TTL_SECONDS)
      .exec();
  }

  async handledToday(): Promise<Map<string, number>> {
    const raw = await this.redis.client.hgetall(this.todayKey());
    return new Map(Object.entries(raw).map(([id, count]) => [id, Number(count)]));
  }
}
