import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { RedisService } from '@centralino/redis';

/** A holder that died keeps the lock at most this long. */
const LOCK_TTL_MS = 5_000;
/** Waiting longer than this, an admission goes ahead unlocked (the soft re-check still applies). */
const WAIT_AT_MOST_MS = 3_000;
const RETRY_MS = 5;

const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * One lock for every process of a deployment, taken around the admissions into queues with a
 * `maxLength` (docs/routing.md, "Maximum length"): counting the waiting contacts and adding the new one
 * are then one step, so four callers at once for a queue of one cannot all see room for one.
 */
@Injectable()
export class AdmissionLockStore {
  private readonly logger = new Logger(AdmissionLockStore.name);

  constructor(private readonly redis: RedisService) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    const key = this.redis.key('lock', 'admission');
    const token = randomUUID();
    const deadline = Date.now() + WAIT_AT_MOST_MS;
    let held = false;
    while (!(held = (await this.redis.client.set(key, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK')) {
      if (Date.now() > deadline) {
        this.logger.warn('Admission lock busy for too long: admitting without it');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
    try {
      return await work();
    } finally {
      if (held) await this.redis.client.eval(RELEASE_SCRIPT, 1, key, token);
    }
  }
}
