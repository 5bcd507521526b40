import { Injectable } from '@nestjs/common';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppConfig } from '@centralino/config';
import { RedisService } from '@centralino/redis';

/** What a refresh token stands for, kept in Redis under the token's hash (never the token itself). */
export interface RefreshGrant {
  sub: string;
  /** The user's token version at issue: logout, a new password, a role change or disabling bump it. */
  ver: number;
  /** Every token obtained by rotating one login's token shares its family. */
  family: string;
}

/**
 * Opaque refresh tokens, single use: redeeming one deletes it atomically (GETDEL) and a new one is
 * issued (rotation). A token redeemed twice means it was copied, so its whole family is revoked: the
 * thief's and the owner's next refresh both fail and the user logs in again. Stored in Redis with their
 * lifetime as TTL, so every instance sees them and expired ones vanish by themselves.
 */
@Injectable()
export class RefreshTokenStore {
  private readonly ttlSeconds: number;

  constructor(
    private readonly redis: RedisService,
    config: AppConfig,
  ) {
    this.ttlSeconds = config.env.REFRESH_TOKEN_TTL_SECONDS;
  }

  get lifetimeSeconds(): number {
    return this.ttlSeconds;
  }

  /** A new token of a new family (login) or of `family` (rotation). */
  async issue(sub: string, ver: number, family: string = randomUUID()): Promise<string> {
    const token = `rt_${randomBytes(32).toString('base64url')}`;
    const hash = digest(token);
    const grant: RefreshGrant = { sub, ver, family };
    await this.redis.client
      .multi()
      .set(this.tokenKey(hash), JSON.stringify(grant), 'EX', this.ttlSeconds)
      // The family's live token, so a replay can find and revoke it.
      .set(this.familyKey(family), hash, 'EX', this.ttlSeconds)
      .exec();
    return token;
  }

  /**
   * Consumes a token: its grant when it is live, null when it is unknown, expired or already used (then
   * the family's live token is revoked as well).
   */
  async redeem(token: string): Promise<RefreshGrant | null> {
    const hash = digest(token);
    const raw = await this.redis.client.getdel(this.tokenKey(hash));
    if (raw !== null) {
      const grant = JSON.parse(raw) as RefreshGrant;
      // Remembered as used for its lifetime, to recognise a replay.
      await this.redis.client.set(this.usedKey(hash), grant.family, 'EX', this.ttlSeconds);
      return grant;
    }
    const family = await this.redis.client.get(this.usedKey(hash));
    if (family !== null) await this.revokeFamily(family);
    return null;
  }

  async revokeFamily(family: string): Promise<void> {
    const live = await this.redis.client.getdel(this.familyKey(family));
    if (live !== null) await this.redis.client.del(this.tokenKey(live));
  }

  private tokenKey(hash: string): string {
    return this.redis.key('auth', 'refresh', hash);
  }

  private usedKey(hash: string): string {
    return this.redis.key('auth', 'refresh-used', hash);
  }

  private familyKey(family: string): string {
    return this.redis.key('auth', 'refresh-family', family);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
