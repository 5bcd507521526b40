import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { WaitingContact } from './job-contracts';

/**
 * Moves one waiting job to its place in its queue's waiting line, by the rule of docs/routing.md: a
 * higher `priority` first, then the older `enqueuedAt` (both from the job's data), so a contact that is
 * transferred, moved or re-prioritised is served as if it had been waiting there all along. BullMQ only
 * appends (FIFO by insertion), so this works on its two structures directly, atomically in one script:
 * the `wait` list (head at the right, where workers pop) and the `prioritized` sorted set (head = lowest
 * score). Returns the 1-based position, or -1 when the job is not waiting (taken by a dispatcher, gone).
 * KEYS: wait list, prioritized set. ARGV: job id, job key prefix.
 */
const PLACE_SCRIPT = `
local id = ARGV[1]
local prefix = ARGV[2]
local function rank(jobId)
  local raw = redis.call('HGET', prefix .. jobId, 'data')
  if not raw then return nil, nil end
  local data = cjson.decode(raw)
  local priority = data.priority
  if type(priority) ~= 'number' then priority = 0 end
  return priority, data.enqueuedAt
end
local function before(pa, ta, pb, tb) return pa > pb or (pa == pb and ta < tb) end
local p, t = rank(id)
if not t then return -1 end
if redis.call('LREM', KEYS[1], 0, id) > 0 then
  local ids = redis.call('LRANGE', KEYS[1], 0, -1)
  for i = #ids, 1, -1 do
    local po, to = rank(ids[i])
    if to and before(p, t, po, to) then
      redis.call('LINSERT', KEYS[1], 'AFTER', ids[i], id)
      return #ids - i + 1
    end
  end
  redis.call('LPUSH', KEYS[1], id)
  return #ids + 1
end
local own = redis.call('ZSCORE', KEYS[2], id)
if not own then return -1 end
redis.call('ZREM', KEYS[2], id)
local entries = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
local previous = nil
for i = 1, #entries, 2 do
  local po, to = rank(entries[i])
  local score = tonumber(entries[i + 1])
  if to and before(p, t, po, to) then
    local placed = previous and (previous + score) / 2 or score - 1
    redis.call('ZADD', KEYS[2], placed, id)
    return (i + 1) / 2
  end
  previous = score
end
redis.call('ZADD', KEYS[2], previous and previous + 1 or tonumber(own), id)
return #entries / 2 + 1
`;

/** Places a waiting contact's job by priority, then original age (see PLACE_SCRIPT). Null if not waiting. */
export async function placeWaitingJob(
  client: Redis,
  line: Queue<WaitingContact>,
  jobId: string,
): Promise<number | null> {
  const position = (await client.eval(
    PLACE_SCRIPT,
    2,
    line.keys.wait,
    line.keys.prioritized,
    jobId,
    line.toKey(''),
  )) as number;
  return position < 0 ? null : position;
}

/**
 * Makes one waiting job the next one BullMQ's moveToActive takes (the right end of the `wait` list,
 * which it pops before the `prioritized` set), for a chat taken past a call nobody can take (or the
 * reverse). The dispatcher checks it got that job; the order of the others is unchanged.
 * KEYS: wait list, prioritized set. ARGV: job id. Returns 0 when the job is not waiting.
 */
const PROMOTE_SCRIPT = `
if redis.call('LREM', KEYS[1], 0, ARGV[1]) == 0 and redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
return 1
`;

export async function promoteWaitingJob(
  client: Redis,
  line: Queue<WaitingContact>,
  jobId: string,
): Promise<boolean> {
  return (await client.eval(PROMOTE_SCRIPT, 2, line.keys.wait, line.keys.prioritized, jobId)) === 1;
}

/**
 * 1-based position of a waiting job in the order `peekWaiting` lists the line (the `prioritized` set,
 * lowest score first, then the `wait` list from its right end), or -1 when it is not waiting. One
 * script, no matter how long the line: ZRANK, or LPOS from the left end, where new jobs are pushed.
 * KEYS: wait list, prioritized set. ARGV: job id.
 */
const POSITION_SCRIPT = `
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if rank then return rank + 1 end
local index = redis.call('LPOS', KEYS[1], ARGV[1])
if not index then return -1 end
return redis.call('ZCARD', KEYS[2]) + redis.call('LLEN', KEYS[1]) - index
`;

export async function waitingJobPosition(
  client: Redis,
  line: Queue<WaitingContact>,
  jobId: string,
): Promise<number | null> {
  const position = (await client.eval(
    POSITION_SCRIPT,
    2,
    line.keys.wait,
    line.keys.prioritized,
    jobId,
  )) as number;
  return position < 0 ? null : position;
}

/**
 * The first `count` jobs of each of the `prioritized` set and the `wait` list (in that order, the order
 * `waitingJobPosition` counts), each with its data, in one script: the dispatcher reads its window of
 * every queue each round, and BullMQ's getJobs reads every job's whole hash one command each.
 * KEYS: wait list, prioritized set. ARGV: job key prefix, count. Returns id, data, id, data, ...
 */
const PEEK_SCRIPT = `
local count = tonumber(ARGV[2])
local ids = redis.call('ZRANGE', KEYS[2], 0, count - 1)
local waiting = redis.call('LRANGE', KEYS[1], -count, -1)
for i = #waiting, 1, -1 do ids[#ids + 1] = waiting[i] end
local out = {}
for _, id in ipairs(ids) do
  local data = redis.call('HGET', ARGV[1] .. id, 'data')
  if data then
    out[#out + 1] = id
    out[#out + 1] = data
  end
end
return out
`;

/** A waiting contact's job as the dispatcher and the dashboards read it: its id and data. */
export interface WaitingJob {
  id: string;
  data: WaitingContact;
}

export async function peekWaitingJobs(
  client: Redis,
  line: Queue<WaitingContact>,
  count: number,
): Promise<WaitingJob[]> {
  if (count <= 0) return [];
  const flat = (await client.eval(
    PEEK_SCRIPT,
    2,
    line.keys.wait,
    line.keys.prioritized,
    line.toKey(''),
    count,
  )) as string[];
  const jobs: WaitingJob[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    jobs.push({ id: flat[i]!, data: JSON.parse(flat[i + 1]!) as WaitingContact });
  }
  return jobs;
}
