import { Injectable } from '@nestjs/common';
import { RedisService } from '@centralino/redis';
import { CapacityChannel } from '../domain/operator-state';

export type OfferStatus = 'pending' | 'accepted' | 'rejected' | 'expired' | 'withdrawn';

export interface Offer {
  id: string;
  contactId: string;
  operatorId: string;
  queue: string;
  /** The capacity it takes: the operator's voice slot (state `reserved`) or one of their chat slots. */
  channel: CapacityChannel;
  /** The BullMQ job and the lock token the dispatcher took it with. */
  jobId: string;
  token: string;
  status: OfferStatus;
  createdAt: number;
  expiresAt: number;
}

/** Settles a pending offer exactly once: the first of accept, reject, expiry or withdrawal wins. */
const SETTLE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
redis.call('DEL', KEYS[2])
return 1
`;

/** Offers live in Redis so that any process can accept, reject or expire them. */
@Injectable()
export class OfferStore {
  /** Offers are kept a while after they settle, for late clicks and diagnostics. */
  private static readonly RETENTION_SECONDS = 3600;

  constructor(private readonly redis: RedisService) {
    redis.client.defineCommand('centralinoSettleOffer', { numberOfKeys: 2, lua: SETTLE_SCRIPT });
  }

  private key(offerId: string): string {
    return this.redis.key('offer', offerId);
  }

  private contactKey(contactId: string): string {
    return this.redis.key('contact', contactId, 'offer');
  }

  async save(offer: Offer): Promise<void> {
    await this.redis.client
      .multi()
      .hset(this.key(offer.id), { ...offer })
      .expire(this.key(offer.id), OfferStore.RETENTION_SECONDS)
      .set(this.contactKey(offer.contactId), offer.id, 'EX', OfferStore.RETENTION_SECONDS)
      .exec();
  }

  async get(offerId: string): Promise<Offer | null> {
    const raw = await this.redis.client.hgetall(this.key(offerId));
    if (!raw.id) return null;
    return {
      ...(raw as unknown as Offer),
      channel: raw.channel === 'chat' ? 'chat' : 'voice',
      createdAt: Number(raw.createdAt),
      expiresAt: Number(raw.expiresAt),
    };
  }

  /** The pending offer of a contact, if any. */
  async pendingForContact(contactId: string): Promise<Offer | null> {
    const offerId = await this.redis.client.get(this.contactKey(contactId));
    if (!offerId) return null;
    const offer = await this.get(offerId);
    return offer?.status === 'pending' ? offer : null;
  }

  /** True if this call settled the offer; false if it was already settled by someone else. */
  async settle(
    offer: Pick<Offer, 'id' | 'contactId'>,
    status: Exclude<OfferStatus, 'pending'>,
  ): Promise<boolean> {
    const client = this.redis.client as unknown as {
      centralinoSettleOffer(key: string, contactKey: string, status: string): Promise<number>;
    };
    return (
      (await client.centralinoSettleOffer(this.key(offer.id), this.contactKey(offer.contactId), status)) === 1
    );
  }

  /** Operators who declined a contact are not offered it again for a while. */
  async addDeclined(contactId: string, operatorId: string, seconds: number): Promise<void> {
    const key = this.redis.key('contact', contactId, 'declined');
    await this.redis.client.multi().sadd(key, operatorId).expire(key, seconds).exec();
  }

  async declined(contactId: string): Promise<Set<string>> {
    return new Set(await this.redis.client.smembers(this.redis.key('contact', contactId, 'declined')));
  }
}
