import { Injectable } from '@nestjs/common';
import { OperatorRepository } from '@centralino/persistence';
import { RedisService } from '@centralino/redis';

/** Cached versions expire so a missed update heals; revocations overwrite the cache at once. */
const CACHE_SECONDS = 300;
/** Cached marker of a user who is disabled or gone: no version is valid. */
const NONE = 'none';

/**
 * The token version of each user as the guard and the socket handshakes check it, cached in Redis so a
 * request costs one GET, not a database read. Shared by every instance, so a logout is seen everywhere.
 */
@Injectable()
export class TokenVersionStore {
  constructor(
    private readonly redis: RedisService,
    private readonly operators: OperatorRepository,
  ) {}

  /** The version a valid token must carry, or null when the user may not hold tokens at all. */
  async current(operatorId: string): Promise<number | null> {
    const key = this.key(operatorId);
    const cached = await this.redis.client.get(key);
    if (cached !== null) return cached === NONE ? null : Number(cached);
    const operator = await this.operators.findById(operatorId);
    const version = operator?.active ? operator.tokenVersion : null;
    // NX: a revocation written meanwhile (publish) must win over this possibly older read.
    await this.redis.client.set(key, version === null ? NONE : String(version), 'EX', CACHE_SECONDS, 'NX');
    return version;
  }

  /** After the database write: tokens of older versions are refused on every instance from now on. */
  async publish(operatorId: string, version: number | null): Promise<void> {
    await this.redis.client.set(
      this.key(operatorId),
      version === null ? NONE : String(version),
      'EX',
      CACHE_SECONDS,
    );
  }

  private key(operatorId: string): string {
    return this.redis.key('auth', 'token-version', operatorId);
  }
}
