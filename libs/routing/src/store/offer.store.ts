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
  /** Ring-all: the offers made at once for this contact share a ring; the first accept wins. */
  ringId?: string;
  createdAt: number;
  expiresAt: number;
}

/**
 * Settles a pending offer exactly once: the first of accept, reject, expiry or withdrawal wins.
 * KEYS: offer, contact's offer key, the expiry set. ARGV: status, offer id.
 */
const SETTLE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return 1
`;

/**
 * Ring-all: one accept wins. KEYS: offer, ring, contact's offer key. ARGV: offer id. 1 if this one won.
 */
const RING_ACCEPT_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return 0 end
if redis.call('HSETNX', KEYS[2], 'winner', ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'accepted')
redis.call('DEL', KEYS[3])
return 1
`;

/**
 * Ring-all: one offer of the ring is rejected or expires. -1: it was settled already; 1: it was the last
 * open one and nobody accepted (the caller puts the contact back); 0 otherwise.
 * KEYS: offer, ring, contact's offer key. ARGV: status.
 */
const RING_SETTLE_SCRIPT = `
if redis.call('HGET', KEYS[1], 'status') ~= 'pending' then return -1 end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
if redis.call('HINCRBY', KEYS[2], 'open', -1) > 0 then return 0 end
if redis.call('HSETNX', KEYS[2], 'winner', '-') == 0 then return 0 end
redis.call('DEL', KEYS[3])
return 1
`;

/**
 * Ring-all: the contact left (or was accepted): every offer still pending is withdrawn, unless someone
 * already won. KEYS: ring, contact's offer key, offer keys... ARGV: winner mark. Returns the withdrawn
 * offers' indexes (0-based, in KEYS order).
 */
const RING_WITHDRAW_SCRIPT = `
local winner = redis.call('HGET', KEYS[1], 'winner')
if winner and winner ~= ARGV[1] then return {} end
if not winner then redis.call('HSET', KEYS[1], 'winner', ARGV[1]) end
redis.call('DEL', KEYS[2])
local out = {}
for i = 3, #KEYS do
  if redis.call('HGET', KEYS[i], 'status') == 'pending' then
    redis.call('HSET', KEYS[i], 'status', 'withdrawn')
    table.insert(out, i - 3)
  end
end
return out
`;

/**
 * Offers live in Redis so that any process can accept, reject or expire them. Every pending offer is in
 * one sorted set by its expiry time: any worker's OfferExpiryService hands back those past due (a set
 * member costs one ZADD in the save and one ZREM in the settle, where a delayed job cost two scripts
 * and woke the timers worker up).
 */
@Injectable()
export class OfferStore {
  /** Offers are kept a while after they settle, for late clicks and diagnostics. */
  private static readonly RETENTION_SECONDS = 3600;

  constructor(private readonly redis: RedisService) {
    redis.client.defineCommand('centralinoSettleOffer', { numberOfKeys: 3, lua: SETTLE_SCRIPT });
    redis.client.defineCommand('centralinoRingAccept', { numberOfKeys: 3, lua: RING_ACCEPT_SCRIPT });
    redis.client.defineCommand('centralinoRingSettle', { numberOfKeys: 3, lua: RING_SETTLE_SCRIPT });
    redis.client.defineCommand('centralinoRingWithdraw', { lua: RING_WITHDRAW_SCRIPT });
  }

  private ringKey(ringId: string): string {
    return this.redis.key('ring', ringId);
  }

  private get ringClient() {
    return this.redis.client as unknown as {
      centralinoRingAccept(offer: string, ring: string, contact: string, offerId: string): Promise<number>;
      centralinoRingSettle(offer: string, ring: string, contact: string, status: string): Promise<number>;
      centralinoRingWithdraw(numberOfKeys: number, ...args: string[]): Promise<number[]>;
    };
  }

  /** Saves the offers of one ring (ring-all): all pending at once, one to win. */
  async saveRing(offers: Offer[]): Promise<void> {
    const ringId = offers[0]!.ringId!;
    const multi = this.redis.client.multi();
    for (const offer of offers) {
      multi
        .hset(this.key(offer.id), { ...offer })
        .expire(this.key(offer.id), OfferStore.RETENTION_SECONDS)
        .zadd(this.expiringKey(), offer.expiresAt, offer.id);
    }
    multi
      .hset(this.ringKey(ringId), { open: offers.length, offers: offers.map((offer) => offer.id).join(',') })
      .expire(this.ringKey(ringId), OfferStore.RETENTION_SECONDS)
      .set(this.contactKey(offers[0]!.contactId), offers[0]!.id, 'EX', OfferStore.RETENTION_SECONDS);
    await multi.exec();
  }

  /** The other offers of a ring. */
  async ringOffers(ringId: string): Promise<Offer[]> {
    const ids = ((await this.redis.client.hget(this.ringKey(ringId), 'offers')) ?? '')
      .split(',')
      .filter(Boolean);
    const offers = await Promise.all(ids.map((id) => this.get(id)));
    return offers.filter((offer): offer is Offer => offer !== null);
  }

  async acceptRing(offer: Offer): Promise<boolean> {
    return (
      (await this.ringClient.centralinoRingAccept(
        this.key(offer.id),
        this.ringKey(offer.ringId!),
        this.contactKey(offer.contactId),
        offer.id,
      )) === 1
    );
  }

  /** See RING_SETTLE_SCRIPT: -1 already settled, 1 last and unanswered, 0 otherwise. */
  async settleRing(offer: Offer, status: 'rejected' | 'expired'): Promise<number> {
    return this.ringClient.centralinoRingSettle(
      this.key(offer.id),
      this.ringKey(offer.ringId!),
      this.contactKey(offer.contactId),
      status,
    );
  }

  /** Withdraws the ring's pending offers for `winner` (an offer id, or '-' for nobody); returns them. */
  async withdrawRing(ringId: string, contactId: string, winner: string): Promise<Offer[]> {
    const offers = await this.ringOffers(ringId);
    const keys = [
      this.ringKey(ringId),
      this.contactKey(contactId),
      ...offers.map((offer) => this.key(offer.id)),
    ];
    const indexes = await this.ringClient.centralinoRingWithdraw(keys.length, ...keys, winner);
    return indexes.map((index) => offers[index]!);
  }

  private key(offerId: string): string {
    return this.redis.key('offer', offerId);
  }

  private contactKey(contactId: string): string {
    return this.redis.key('contact', contactId, 'offer');
  }

  private expiringKey(): string {
    return this.redis.key('offers', 'expiring');
  }

  /** Saves a pending offer with its expiry (see the class comment). */
  async save(offer: Offer): Promise<void> {
    await this.redis.client
      .multi()
      .hset(this.key(offer.id), { ...offer })
      .expire(this.key(offer.id), OfferStore.RETENTION_SECONDS)
      .set(this.contactKey(offer.contactId), offer.id, 'EX', OfferStore.RETENTION_SECONDS)
      .zadd(this.expiringKey(), offer.expiresAt, offer.id)
      .exec();
  }

  /** Ids of offers whose expiry time is `now` or earlier, oldest first (settled ones included until forgotten). */
  dueForExpiry(now: number, limit: number): Promise<string[]> {
    return this.redis.client.zrangebyscore(this.expiringKey(), '-inf', now, 'LIMIT', 0, limit);
  }

  /** The offer's expiry was handled (or it settled another way): out of the expiry set. */
  async forgetExpiry(offerId: string): Promise<void> {
    await this.redis.client.zrem(this.expiringKey(), offerId);
  }

  async get(offerId: string): Promise<Offer | null> {
    const raw = await this.redis.client.hgetall(this.key(offerId));
    if (!raw.id) return null;
    return {
      ...(raw as unknown as Offer),
      channel: raw.channel === 'chat' ? 'chat' : 'voice',
      ringId: raw.ringId || undefined,
      createdAt: Number(raw.createdAt),
      expiresAt: Number(raw.expiresAt),
    };
  }

  /** The pending offer of a contact, if any. */
  async pendingForContact(contactId: string): Promise<Offer | null> {
    const offerId = await this.redis.client.get(this.contactKey(contactId));
    if (!offerId) return null;
    const offer = await this.get(offerId);
    if (offer?.status === 'pending') return offer;
    // A ring's first offer may be settled while the others still ring.
    if (offer?.ringId)
      return (await this.ringOffers(offer.ringId)).find((other) => other.status === 'pending') ?? null;
    return null;
  }

  /** True if this call settled the offer; false if it was already settled by someone else. */
  async settle(
    offer: Pick<Offer, 'id' | 'contactId'>,
    status: Exclude<OfferStatus, 'pending'>,
  ): Promise<boolean> {
    const client = this.redis.client as unknown as {
      centralinoSettleOffer(
        key: string,
        contactKey: string,
        expiringKey: string,
        status: string,
        offerId: string,
      ): Promise<number>;
    };
    return (
      (await client.centralinoSettleOffer(
        this.key(offer.id),
        this.contactKey(offer.contactId),
        this.expiringKey(),
        status,
        offer.id,
      )) === 1
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

  /** `declined` of several contacts in one round trip (a pipeline). */
  async declinedMany(contactIds: readonly string[]): Promise<Map<string, Set<string>>> {
    const result = new Map<string, Set<string>>();
    if (contactIds.length === 0) return result;
    const pipeline = this.redis.client.pipeline();
    for (const id of contactIds) pipeline.smembers(this.redis.key('contact', id, 'declined'));
    const replies = (await pipeline.exec()) ?? [];
    contactIds.forEach((id, index) => {
      const [error, members] = replies[index] ?? [new Error('no reply'), null];
      if (!error) result.set(id, new Set(members as string[]));
    });
    return result;
  }
}
