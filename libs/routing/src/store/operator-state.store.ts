import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { RedisService } from '@centralino/redis';
import { OperatorState } from '../domain/operator-state';

/**
 * Compare-and-set of an operator's state: succeeds only if the current state is one of `allowed`.
 * Keeps the idle index in step (the available operators in a sorted set scored by when each became idle,
 * so the dispatcher reads the longest idle first without a read per operator), and clears fields given an
 * empty value. Every change is also appended to the operator event stream in the same script (atomic with the change, no extra round trip
 * on the routing path); the reporting drainer moves it to the database in batches.
 * The chat-ready set holds the operators who may be offered a chat (logged in, not away); the away set
 * those who are away, so "working" (online minus away) is one SDIFF instead of a read per operator.
 * The plain set of available operators that the idle index replaced is kept as well, for instances of the
 * previous version during a rolling upgrade (they read it).
 * Who is working (logged in, not away) changes the staffing version, so the wait estimate's staff count
 * can be kept between changes (StaffingService).
 * KEYS: op hash, idle index, online set, event stream, chat-ready set, away set, available set, staffing
 * version. ARGV: id, allowed (csv),
 * new state, now, field, value, ...
 */
const TRANSITION_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'state') or 'offline'
if not string.find(',' .. ARGV[2] .. ',', ',' .. current .. ',', 1, true) then return current end
local wasWorking = current ~= 'offline' and current ~= 'away'
if wasWorking ~= (ARGV[3] ~= 'offline' and ARGV[3] ~= 'away') then redis.call('INCR', KEYS[8]) end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'since', ARGV[4])
for i = 5, #ARGV, 2 do
  if ARGV[i + 1] == '' then redis.call('HDEL', KEYS[1], ARGV[i]) else redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
if ARGV[3] == 'available' then
  redis.call('ZADD', KEYS[2], redis.call('HGET', KEYS[1], 'idleSince') or ARGV[4], ARGV[1])
  redis.call('SADD', KEYS[7], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('SREM', KEYS[7], ARGV[1])
end
if ARGV[3] == 'offline' then redis.call('SREM', KEYS[3], ARGV[1]) else redis.call('SADD', KEYS[3], ARGV[1]) end
if ARGV[3] == 'offline' or ARGV[3] == 'away' then redis.call('SREM', KEYS[5], ARGV[1]) else redis.call('SADD', KEYS[5], ARGV[1]) end
if ARGV[3] == 'away' then redis.call('SADD', KEYS[6], ARGV[1]) else redis.call('SREM', KEYS[6], ARGV[1]) end
redis.call('XADD', KEYS[4], 'MAXLEN', '~', '{{maxEvents}}', '*', 'operatorId', ARGV[1], 'state', ARGV[3],
  'reason', redis.call('HGET', KEYS[1], 'reason') or '', 'contactId', redis.call('HGET', KEYS[1], 'contactId') or '')
return 'OK'
`;

/**
 * Takes a chat slot for an offer: only while the operator may take chats (logged in, not away), does not
 * hold this contact already, and holds fewer than their chat capacity. Slot values: `o:<offerId>`
 * (offered), `c` (connected), `w:<endsAt>` (wrap-up).
 * KEYS: op hash, chat slots hash. ARGV: contact id, capacity, offer id.
 */
const RESERVE_CHAT_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state') or 'offline'
if state ~= 'available' and state ~= 'reserved' and state ~= 'busy' and state ~= 'wrap_up' then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
if redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], 'o:' .. ARGV[3])
return 1
`;

/**
 * Compare-and-set of one chat slot: changes it only if it holds \`expected\` (a prefix match for the
 * \`w:\` wrap-up value); an empty new value frees it. KEYS: chat slots hash. ARGV: contact id, expected, new.
 */
const SET_CHAT_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
if current ~= ARGV[2] and not (ARGV[2] == 'w:' and string.sub(current, 1, 2) == 'w:') then return 0 end
if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
return 1
`;

/**
 * The dispatcher's view of who is free: how many operators are available for a call and how many may be
 * offered a chat, and the `limit` longest idle of the available ones (all when 0) with when each became
 * idle, in that order (idle time, then id), in one round trip whatever the number of operators.
 * KEYS: idle index, chat-ready set. ARGV: limit. Returns available count, chat-ready count, id, idleSince, ...
 */
const AVAILABLE_SNAPSHOT_SCRIPT = `
local out = { redis.call('ZCARD', KEYS[1]), redis.call('SCARD', KEYS[2]) }
for _, entry in ipairs(redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')) do
  out[#out + 1] = entry
end
return out
`;

/**
 * The chat-ready operators, each id with its chats held or offered and its idle time.
 * KEYS: chat-ready set. ARGV: op hash key prefix, chat slots key suffix. Returns id, chats, idleSince, ...
 */
const CHAT_SNAPSHOT_SCRIPT = `
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local times = redis.call('HMGET', ARGV[1] .. id, 'idleSince', 'since')
  out[#out + 1] = id
  out[#out + 1] = redis.call('HLEN', ARGV[1] .. id .. ARGV[2])
  out[#out + 1] = times[1] or times[2] or '0'
end
return out
`;

/**
 * Rebuilds the away set, the idle index and the plain available set from the operators' own states: all
 * are kept by TRANSITION_SCRIPT, so operators who were away or available before a set existed (an
 * upgrade), changed by an instance of the previous version (which keeps only the plain set), or sets lost
 * with a Redis restore, are put right. Run at start-up and by the reconciler. Idempotent and atomic, so
 * several instances running it at once are harmless; the staffing version moves only if the away set
 * did.
 * KEYS: online set, away set, idle index, available set, staffing version. ARGV: op hash key prefix.
 * Returns how many are away.
 */
const REBUILD_INDEXES_SCRIPT = `
local awayBefore = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local op = redis.call('HMGET', ARGV[1] .. id, 'state', 'idleSince', 'since')
  if op[1] == 'away' then redis.call('SADD', KEYS[2], id) end
  if op[1] == 'available' then
    redis.call('ZADD', KEYS[3], op[2] or op[3] or 0, id)
    redis.call('SADD', KEYS[4], id)
  end
end
-- Who works changed only if the away set did: then the kept staff counts are stale.
local away = redis.call('SCARD', KEYS[2])
local changed = away ~= #awayBefore
for _, id in ipairs(awayBefore) do
  if changed then break end
  changed = redis.call('SISMEMBER', KEYS[2], id) == 0
end
if changed then redis.call('INCR', KEYS[5]) end
return away
`;

/** Who is free, as the dispatcher reads it once per round (OperatorStateStore.availableSnapshot). */
export interface AvailableSnapshot {
  /** Operators available for a call. */
  available: number;
  /** Operators who may be offered a chat (logged in, not away), whatever their free slots. */
  chatReady: number;
  /** The longest idle available operators asked for, with when each became idle (ms), in that order. */
  longestIdle: Map<string, number>;
}

/** A chat slot: the contact held, and whether it is offered (with the offer), connected or in wrap-up. */
export interface ChatSlot {
  contactId: string;
  status: 'offered' | 'connected' | 'wrap_up';
  offerId?: string;
  /** Wrap-up end (ms). */
  endsAt?: number;
}

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
export class OperatorStateStore implements OnApplicationBootstrap {
  constructor(private readonly redis: RedisService) {
    redis.client.defineCommand('centralinoOperatorTransition', {
      numberOfKeys: 8,
      lua: TRANSITION_SCRIPT.replace('{{maxEvents}}', String(OPERATOR_EVENT_STREAM_MAX)),
    });
    redis.client.defineCommand('centralinoReserveChat', { numberOfKeys: 2, lua: RESERVE_CHAT_SCRIPT });
    redis.client.defineCommand('centralinoSetChat', { numberOfKeys: 1, lua: SET_CHAT_SCRIPT });
    redis.client.defineCommand('centralinoAvailableSnapshot', {
      numberOfKeys: 2,
      lua: AVAILABLE_SNAPSHOT_SCRIPT,
    });
    redis.client.defineCommand('centralinoChatSnapshot', { numberOfKeys: 1, lua: CHAT_SNAPSHOT_SCRIPT });
    redis.client.defineCommand('centralinoRebuildIndexes', { numberOfKeys: 5, lua: REBUILD_INDEXES_SCRIPT });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rebuildIndexes();
  }

  /**
   * Puts the away set, the idle index and the plain available set in line with the operators' states
   * (REBUILD_INDEXES_SCRIPT); returns how many are away.
   */
  async rebuildIndexes(): Promise<number> {
    const client = this.redis.client as unknown as {
      centralinoRebuildIndexes(...keysAndPrefix: string[]): Promise<number>;
    };
    return client.centralinoRebuildIndexes(
      this.redis.key('ops', 'online'),
      this.redis.key('ops', 'away'),
      this.idleKey(),
      this.redis.key('ops', 'available'),
      this.staffingVersionKey(),
      this.redis.key('op', ''),
    );
  }

  private idleKey(): string {
    return this.redis.key('ops', 'idle');
  }

  private staffingVersionKey(): string {
    return this.redis.key('ops', 'staffing-version');
  }

  /** Changes whenever someone starts or stops working (logs in or out, goes away or comes back). */
  async staffingVersion(): Promise<string> {
    return (await this.redis.client.get(this.staffingVersionKey())) ?? '0';
  }

  /**
   * Who is free (AVAILABLE_SNAPSHOT_SCRIPT): the counts, and the `limit` longest idle available operators
   * (all when 0) with when each became idle (ms), longest idle first.
   */
  async availableSnapshot(limit = 0): Promise<AvailableSnapshot> {
    const client = this.redis.client as unknown as {
      centralinoAvailableSnapshot(idle: string, chat: string, limit: number): Promise<(string | number)[]>;
    };
    const [available, chatReady, ...flat] = await client.centralinoAvailableSnapshot(
      this.idleKey(),
      this.redis.key('ops', 'chat'),
      limit,
    );
    const longestIdle = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) longestIdle.set(String(flat[i]), Number(flat[i + 1]));
    return { available: Number(available), chatReady: Number(chatReady), longestIdle };
  }

  /** Chat-ready operators with their chats held or offered and when each became idle, in one round trip. */
  async chatSnapshot(): Promise<Map<string, { chats: number; idleSince: number }>> {
    const client = this.redis.client as unknown as {
      centralinoChatSnapshot(key: string, prefix: string, suffix: string): Promise<(string | number)[]>;
    };
    const flat = await client.centralinoChatSnapshot(
      this.redis.key('ops', 'chat'),
      this.redis.key('op', ''),
      ':chats',
    );
    const result = new Map<string, { chats: number; idleSince: number }>();
    for (let i = 0; i < flat.length; i += 3)
      result.set(String(flat[i]), { chats: Number(flat[i + 1]), idleSince: Number(flat[i + 2]) });
    return result;
  }

  private chatsKey(operatorId: string): string {
    return this.redis.key('op', operatorId, 'chats');
  }

  async chatSlots(operatorId: string): Promise<ChatSlot[]> {
    const raw = await this.redis.client.hgetall(this.chatsKey(operatorId));
    return Object.entries(raw).map(([contactId, value]) =>
      value.startsWith('o:')
        ? { contactId, status: 'offered', offerId: value.slice(2) }
        : value.startsWith('w:')
          ? { contactId, status: 'wrap_up', endsAt: Number(value.slice(2)) }
          : { contactId, status: 'connected' },
    );
  }

  /** Takes a chat slot for an offer (see RESERVE_CHAT_SCRIPT); false when there is no room. */
  async reserveChat(
    operatorId: string,
    contactId: string,
    capacity: number,
    offerId: string,
  ): Promise<boolean> {
    const client = this.redis.client as unknown as {
      centralinoReserveChat(...args: (string | number)[]): Promise<number>;
    };
    return (
      (await client.centralinoReserveChat(
        this.hashKey(operatorId),
        this.chatsKey(operatorId),
        contactId,
        capacity,
        offerId,
      )) === 1
    );
  }

  /** The offered chat was accepted: its slot is held until the chat ends. */
  connectChat(operatorId: string, contactId: string, offerId: string): Promise<boolean> {
    return this.setChat(operatorId, contactId, `o:${offerId}`, 'c');
  }

  /** The offer was rejected, expired or withdrawn: the slot is free again. */
  releaseOfferedChat(operatorId: string, contactId: string, offerId: string): Promise<boolean> {
    return this.setChat(operatorId, contactId, `o:${offerId}`, '');
  }

  /** The chat ended: its slot is held through the wrap-up (freed at once when there is none). */
  wrapUpChat(operatorId: string, contactId: string, endsAt: number | null): Promise<boolean> {
    return this.setChat(operatorId, contactId, 'c', endsAt === null ? '' : `w:${endsAt}`);
  }

  /** The chat's wrap-up is over. */
  endChatWrapUp(operatorId: string, contactId: string): Promise<boolean> {
    return this.setChat(operatorId, contactId, 'w:', '');
  }

  private async setChat(
    operatorId: string,
    contactId: string,
    expected: string,
    next: string,
  ): Promise<boolean> {
    const client = this.redis.client as unknown as {
      centralinoSetChat(key: string, ...args: string[]): Promise<number>;
    };
    return (await client.centralinoSetChat(this.chatsKey(operatorId), contactId, expected, next)) === 1;
  }

  /** A successful contact resets the missed-offers count (auto-pause counts misses in a row). */
  async resetMissed(operatorId: string): Promise<void> {
    await this.redis.client.hset(this.hashKey(operatorId), 'missed', 0);
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
      this.idleKey(),
      this.redis.key('ops', 'online'),
      this.eventsKey(),
      this.redis.key('ops', 'chat'),
      this.redis.key('ops', 'away'),
      this.redis.key('ops', 'available'),
      this.staffingVersionKey(),
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
    return OperatorStateStore.parse(await this.redis.client.hgetall(this.hashKey(operatorId)));
  }

  /** Live states of many operators in one round trip (a pipeline), in the order of `operatorIds`. */
  async getMany(operatorIds: readonly string[]): Promise<OperatorLiveState[]> {
    if (operatorIds.length === 0) return [];
    const pipeline = this.redis.client.pipeline();
    for (const id of operatorIds) pipeline.hgetall(this.hashKey(id));
    const results = (await pipeline.exec()) ?? [];
    return operatorIds.map((_, index) =>
      OperatorStateStore.parse((results[index]?.[1] as Record<string, string> | undefined) ?? {}),
    );
  }

  private static parse(raw: Record<string, string>): OperatorLiveState {
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

  async onlineIds(): Promise<string[]> {
    return this.redis.client.smembers(this.redis.key('ops', 'online'));
  }

  /** Operators logged in and not away (available, reserved, busy or in wrap-up): one command. */
  async workingIds(): Promise<string[]> {
    return this.redis.client.sdiff(this.redis.key('ops', 'online'), this.redis.key('ops', 'away'));
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
