import { Injectable } from '@nestjs/common';
import { RedisService } from '@centralino/redis';

/** A socket not refreshed for this long belongs to a crashed instance and no longer counts. */
export const PRESENCE_STALE_MS = 15_000;

/**
 * Which customers' widgets are connected, across every instance: per conversation, a sorted set of
 * socket ids scored by when their instance last vouched for them (on connect, then every few seconds).
 */
@Injectable()
export class CustomerPresenceStore {
  constructor(private readonly redis: RedisService) {}

  private key(conversationId: string): string {
    return this.redis.key('chat-presence', conversationId);
  }

  async connected(conversationId: string, socketId: string, now = Date.now()): Promise<void> {
    await this.redis.client
      .multi()
      .zadd(this.key(conversationId), now, socketId)
      .pexpire(this.key(conversationId), PRESENCE_STALE_MS * 4)
      .exec();
  }

  /** Refreshes every socket this instance holds, in one round trip. */
  async heartbeat(sockets: { conversationId: string; socketId: string }[], now = Date.now()): Promise<void> {
    if (sockets.length === 0) return;
    const batch = this.redis.client.multi();
    for (const { conversationId, socketId } of sockets) {
      batch.zadd(this.key(conversationId), now, socketId);
      batch.pexpire(this.key(conversationId), PRESENCE_STALE_MS * 4);
    }
    await batch.exec();
  }

  async disconnected(conversationId: string, socketId: string): Promise<void> {
    await this.redis.client.zrem(this.key(conversationId), socketId);
  }

  async isPresent(conversationId: string, now = Date.now()): Promise<boolean> {
    const live = await this.redis.client.zcount(this.key(conversationId), now - PRESENCE_STALE_MS, '+inf');
    return live > 0;
  }
}
