import { Injectable } from '@nestjs/common';
import { RedisService } from '@centralino/redis';
import { OperatorState } from '../domain/operator-state';

/**
 * Compare-and-set of an operator's state: succeeds only if the current state is one of `allowed`.
 * Keeps the `available` index in step, and clears fields given an empty value. Every change is also
 * appended to the operator event stream in the same script (atomic with the change, no extra round trip
 * on the routing path); the reporting drainer moves it to the database in batches.
 * KEYS: op hash, available set, online set, event stream. ARGV: id, allowed (csv), new state, now,
 * field, value, ...
 */
const TRANSITION_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'state') or 'offline'
if not string.find(',' .. ARGV[2] .. ',', ',' .. current .. ',', 1, true) then return current end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'since', ARGV[4])
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[3] == 'available' then redis.call('SADD', KEYS[2], ARGV[1]) else redis.call('SREM', KEYS[2], ARGV[1]) end
if ARGV[3] == 'offline' then redis.call('SREM', KEYS[3], ARGV[1]) else redis.call('SADD', KEYS[3], ARGV[1]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '{{maxEvents}}', '*', 'operatorId', ARGV[1], 'state', ARGV[3],
  'reason', redis.call('HGET', KEYS[1], 'reason') or '', 'contactId', redis.call('HGET', KEYS[1], 'contactId') or '')
return 'OK'
`;

/**
 * Cap of the operator event stream: if nothing drains it (no worker role running) for this many changes,
 * the oldest are dropped rather than Redis growing without bound.
 */
export const OPERATOR_EVENT_STREAM_MAX = 1_000_000;

/** An operator state change as appended to the stream (`id`: the stream entry id; `at`: its time, ms). */
export interface OperatorStateEvent {
  id: string;
  operatorId: string;
  state: OperatorState;
  at: number;
  reason: string | null;
  contactId: string | null;
}

export interface OperatorLiveState {
  state: OperatorState;
  since: number;
  idleSince: number;
  offerId?: string;
  contactId?: string;
  reason?: string;
  missed: number;
}

/** Operators' live states in Redis, shared by every process. */
@Injectable()
export class OperatorStateStore {
  constructor(private readonly redis: RedisService) {
    redis.client.defineCommand('centralinoOperatorTransition', {
      numberOfKeys: 4,
      lua: TRANSITION_SCRIPT.replace('{{maxEvents}}', String(OPERATOR_EVENT_STREAM_MAX)),
    });
  }

  private hashKey(operatorId: string): string {
    return this.redis.key('op', operatorId);
  }

  /**
   * Moves an operator to `to` if they are in one of `from`. Returns true on success, false (and changes
   * nothing) otherwise; this is how an operator is reserved for exactly one offer.
   */
  async transition(
    operatorId: string,
    from: readonly OperatorState[],
    to: OperatorState,
    fields: Record<string, string | number | null> = {},
  ): Promise<boolean> {
    const args = [operatorId, from.join(','), to, String(Date.now())];
    for (const [field, value] of Object.entries(fields))
      args.push(field, value === null ? '' : String(value));
    const client = this.redis.client as unknown as {
      centralinoOperatorTransition(...args: string[]): Promise<string>;
    };
    const result = await client.centralinoOperatorTransition(
      this.hashKey(operatorId),
      this.redis.key('ops', 'available'),
      this.redis.key('ops', 'online'),
      this.eventsKey(),
      ...args,
    );
    return result === 'OK';
  }

  private eventsKey(): string {
    return this.redis.key('ops', 'events');
  }

  /** The oldest `count` state changes not yet drained to the database. */
  async pendingEvents(count: number): Promise<OperatorStateEvent[]> {
    const entries = await this.redis.client.xrange(this.eventsKey(), '-', '+', 'COUNT', count);
    return entries.map(([id, flat]) => {
      const fields: Record<string, string> = {};
      for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
      return {
        id,
        operatorId: fields.operatorId!,
        state: fields.state as OperatorState,
        // The entry id is Redis's clock: one clock for every process, in the order the changes happened.
        at: Number(id.split('-')[0]),
        reason: fields.reason || null,
        contactId: fields.contactId || null,
      };
    });
  }

  /** Forgets drained state changes (by id, so a concurrent drainer never loses another's entries). */
  async dropEvents(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.client.xdel(this.eventsKey(), ...ids);
  }

  async get(operatorId: string): Promise<OperatorLiveState> {
    const raw = await this.redis.client.hgetall(this.hashKey(operatorId));
    return {
      state: (raw.state as OperatorState) ?? 'offline',
      since: Number(raw.since ?? 0),
      idleSince: Number(raw.idleSince ?? raw.since ?? 0),
      offerId: raw.offerId || undefined,
      contactId: raw.contactId || undefined,
      reason: raw.reason || undefined,
      missed: Number(raw.missed ?? 0),
    };
  }

  async availableIds(): Promise<string[]> {
    return this.redis.client.smembers(this.redis.key('ops', 'available'));
  }

  async onlineIds(): Promise<string[]> {
    return this.redis.client.smembers(this.redis.key('ops', 'online'));
  }

  async idleSince(operatorIds: string[]): Promise<Map<string, number>> {
    const pipeline = this.redis.client.pipeline();
    for (const id of operatorIds) pipeline.hmget(this.hashKey(id), 'idleSince', 'since');
    const results = (await pipeline.exec()) ?? [];
    return new Map(
      operatorIds.map((id, index) => {
        const [idle, since] = (results[index]?.[1] as (string | null)[]) ?? [];
        return [id, Number(idle ?? since ?? 0)];
      }),
    );
  }

  async incrementMissed(operatorId: string): Promise<number> {
    return this.redis.client.hincrby(this.hashKey(operatorId), 'missed', 1);
  }

  /** Counts open consoles; presence is decided from it after a grace period. */
  async connectionOpened(operatorId: string): Promise<number> {
    return this.redis.client.incr(this.redis.key('op', operatorId, 'connections'));
  }

  async connectionClosed(operatorId: string): Promise<number> {
    return this.redis.client.decr(this.redis.key('op', operatorId, 'connections'));
  }

  async connections(operatorId: string): Promise<number> {
    return Number((await this.redis.client.get(this.redis.key('op', operatorId, 'connections'))) ?? 0);
  }
}
