/**
 * Routing engine targets (issue 5): decision latency and sustained routing throughput, one command.
 *
 * Starts its own Redis and PostgreSQL and centralino as its own process (roles http + worker), with a
 * generated front office of OPERATORS operators (every skill). The operators are simulated by real
 * socket.io consoles in this process (websocket, JWT in the handshake): each is available, accepts every
 * offer and completes the contact (`contact.complete`, wrap-up 0 s), then is available again.
 * The contacts enter at the waiting line, as intake leaves them: at its time each row is inserted `queued`
 * in the database (the burst: 500 rows per statement) and its BullMQ job added, with the dispatch signal
 * published, exactly as `ContactFlowService.ensureWaiting` does. So the figures are the routing engine's
 * (queue -> dispatcher -> database -> offer -> socket -> accept -> complete), not intake's.
 *
 * 1. Decision latency at RATE new contacts/s for SECONDS s, each held HOLD_MS by its operator:
 *    queued (the job's `enqueuedAt`) -> offer made (the dispatcher's clock, `expiresAt` - offer timeout)
 *    and -> offer received by the console; plus the server's own
 *    `centralino_routing_decision_seconds` histogram (queued, or the round an operator became available
 *    in, -> offer emitted) read from /metrics before and after.
 * 2. Throughput: BURST contacts added at once (addBulk), operators complete at once; contacts/s from the
 *    first add to the last completion, against bare BullMQ add + process of as many no-op jobs in the
 *    same Redis, measured in the same run.
 *
 * `--split` runs the roles as two processes, as docs/operating.md describes for a busy site: one
 * `CENTRALINO_ROLES=http` (webhooks, consoles: accept, complete) and one `CENTRALINO_ROLES=worker` (the
 * dispatcher, timers); "service" CPU is then both processes', and the decision histogram the worker's.
 *
 *   npm run bench:routing
 *   npm run bench:routing -- --operators 500 --rate 200 --seconds 20 --burst 3000 --no-write
 *   npm run bench:routing -- --split
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { io, Socket } from 'socket.io-client';
import type { Ack, OperatorServerEvents } from '../../libs/realtime/src/operator-events.contract';
import { EmbeddedRedisServer } from '../../libs/redis/src/embedded-redis-server';
import { PrivatePostgres } from '../../libs/testing/src/private-postgres';
import { writeFixtureConfig } from '../../test/support/fixture-config';
import { ServiceProcess } from '../../test/support/service-process';

const ROOT = resolve(__dirname, '../..');

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const OPERATORS = argument('operators', 500);
const RATE = argument('rate', 200);
const SECONDS = argument('seconds', 20);
const HOLD_MS = argument('hold-ms', 1000);
const BURST = argument('burst', 3000);
const OFFER_TIMEOUT_SECONDS = 20;
const PREFIX = 'bench';
const QUEUES = ['billing', 'technical_support'];
const CONNECT_CONCURRENCY = 50;
const SPLIT = process.argv.includes('--split');
const PROFILE_DIR = (() => {
  const at = process.argv.indexOf('--cpu-prof');
  return at > 0 ? process.argv[at + 1]! : '';
})();

const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function frontOffice(): string {
  return writeFixtureConfig((config) => {
    const operators = config.operators as { passwordHash: string }[];
    const passwordHash = operators[0]!.passwordHash;
    config.routing = { offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS, wrapUpSeconds: 0 };
    config.operators = Array.from({ length: OPERATORS }, (_, i) => ({
      username: `op${String(i + 1).padStart(4, '0')}`,
      displayName: `Operator ${i + 1}`,
      passwordHash,
      languages: ['it', 'en'],
      skills: { billing: 5, technical_support: 5, reception: 5 },
    }));
  }, 'front-office.test.yaml');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

/** What the bench knows about one contact. */
interface Tracked {
  enqueuedAt: number;
  offeredAt?: number; // server clock, offer built
  receivedAt?: number; // console clock, offer arrived
  completedAt?: number;
}

class Contacts {
  readonly byId = new Map<string, Tracked>();
  completed = 0;
  refused = 0;
  /** Why accepts or completes were refused (ack error or timeout), with counts: printed at the end. */
  readonly refusals = new Map<string, number>();

  refuse(reason: string): void {
    this.refused++;
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }
  reOffers = 0;
  private waiters: { count: number; done: () => void }[] = [];

  onOffer(offer: OperatorServerEvents['offer'], receivedAt: number): void {
    const tracked = this.byId.get(offer.contactId);
    if (!tracked) return;
    if (tracked.receivedAt !== undefined) {
      this.reOffers++;
      return;
    }
    tracked.offeredAt = offer.expiresAt - OFFER_TIMEOUT_SECONDS * 1000;
    tracked.receivedAt = receivedAt;
  }

  onCompleted(contactId: string): void {
    const tracked = this.byId.get(contactId);
    if (!tracked || tracked.completedAt !== undefined) return;
    tracked.completedAt = Date.now();
    this.completed++;
    this.waiters = this.waiters.filter((waiter) => {
      if (this.completed < waiter.count) return true;
      waiter.done();
      return false;
    });
  }

  /** Resolves once every contact of `ids` completed (true), or after `timeoutMs` (false). */
  async allCompleted(ids: readonly string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (ids.some((id) => this.byId.get(id)?.completedAt === undefined)) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  }

  /** Resolves once `count` contacts completed, or after `timeoutMs` (false). */
  until(count: number, timeoutMs: number): Promise<boolean> {
    if (this.completed >= count) return Promise.resolve(true);
    return new Promise((resolveWait) => {
      const timer = setTimeout(() => resolveWait(false), timeoutMs);
      this.waiters.push({
        count,
        done: () => {
          clearTimeout(timer);
          resolveWait(true);
        },
      });
    });
  }
}

/** A simulated operator: accepts every offer, completes after `hold()` ms. */
function simulateOperator(socket: Socket, contacts: Contacts, hold: () => number): void {
  socket.on('offer', (offer: OperatorServerEvents['offer']) => {
    contacts.onOffer(offer, Date.now());
    void (async () => {
      const accepted = (await socket
        .timeout(30_000)
        .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack;
      if (!accepted.ok) {
        contacts.refuse(`accept: ${JSON.stringify(accepted)}`);
        return;
      }
      const ms = hold();
      if (ms > 0) await sleep(ms);
      const done = (await socket.timeout(30_000).emitWithAck('contact.complete', {
        contactId: offer.contactId,
        disposition: 'resolved',
      })) as Ack;
      if (done.ok) contacts.onCompleted(offer.contactId);
      else contacts.refuse(`complete: ${JSON.stringify(done)}`);
    })().catch((error: Error) => contacts.refuse(error.message));
  });
}

/** Calls per Redis command so far (INFO commandstats), e.g. evalsha -> 12345. */
async function redisCommandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const stats = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) stats.set(match[1]!, Number(match[2]));
  return stats;
}

async function connectAll<T>(count: number, connect: (index: number) => Promise<T>): Promise<T[]> {
  const result: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECT_CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        result[index] = await connect(index);
      }
    }),
  );
  return result;
}

function newRows(count: number): { id: string; queue: string }[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), queue: QUEUES[i % 2]! }));
}

/**
 * Inserts contacts in state `queued`, as intake leaves them, right before their jobs are added (a queued
 * contact without a job for long is re-admitted by the reconciler, with its own enqueue time).
 */
async function insertQueued(client: Pool, rows: { id: string; queue: string }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    const batch = rows.slice(start, start + 1000);
    await client.query(
      `INSERT INTO contacts (id, channel, provider, external_id, from_address, to_address, state,
         problem_type, language, received_at, queued_at)
       SELECT id, 'voice', 'bench', id::text, '+39' || (3000000000 + floor(random() * 999999999))::text,
         '+390200000000', 'queued', queue, 'it', now(), now()
       FROM unnest($1::uuid[], $2::text[]) AS t(id, queue)`,
      [batch.map((row) => row.id), batch.map((row) => row.queue)],
    );
  }
}

/** The server's decision-latency histogram: cumulative counts per bucket (le, in seconds). */
async function decisionHistogram(url: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = /^centralino_routing_decision_seconds_bucket\{(.*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const le = /le="([^"]+)"/.exec(match[1]!)?.[1];
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

function processCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by a process and its children: the live ones read one by one, the exited ones
 * through the parent's cutime/cstime (for PostgreSQL: the postmaster and its backends).
 */
function processTreeCpuSeconds(rootPid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fields: string[];
    try {
      fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
    } catch {
      continue; // exited meanwhile
    }
    const pid = Number(entry);
    if (pid === rootPid)
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    else if (Number(fields[1]) === rootPid) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** CPU seconds used by Redis itself so far (its own INFO: user and system, main thread and I/O threads). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/** CPU seconds used by the whole machine so far (every core, /proc/stat: all but idle and iowait). */
function machineCpuSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = fields[3]! + fields[4]!;
  return (fields.reduce((sum, value) => sum + value, 0) - idle) / 100;
}

/** Bare BullMQ on the same Redis: add `count` no-op jobs (in bulk) and process them; jobs/s. */
async function bareBullmq(redisUrl: string, count: number): Promise<{ perSecond: number; ms: number }> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection, prefix: `${PREFIX}-bare` });
  let processed = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((done) => (finished = done));
  const worker = new Worker(
    'bare',
    async () => {
      if (++processed === count) finished();
    },
    { connection: workerConnection, prefix: `${PREFIX}-bare`, concurrency: 50, autorun: false },
  );
  const started = Date.now();
  void worker.run();
  for (let start = 0; start < count; start += 500) {
    await queue.addBulk(
      Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
        name: 'job',
        data: { n: start + i },
        opts: { removeOnComplete: true },
      })),
    );
  }
  await allDone;
  const ms = Date.now() - started;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  workerConnection.disconnect();
  return { perSecond: (count / ms) * 1000, ms };
}

async function main(): Promise<void> {
  const redisServer = new EmbeddedRedisServer();
  const redisUrl = await redisServer.start();
  const postgres = new PrivatePostgres({ statementStats: true });
  const databaseUrl = await postgres.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'centralino-bench-routing-'));
  const loadBefore = loadavg()[0]!;
  const serviceEnv = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: PREFIX,
    FRONT_OFFICE_CONFIG: frontOffice(),
    LOG_LEVEL: process.argv.includes('--logs') ? 'info' : 'warn',
    JWT_SECRET,
  };
  const nodeArgs = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  const service = await ServiceProcess.start(
    SPLIT ? { ...serviceEnv, CENTRALINO_ROLES: 'http' } : serviceEnv,
    120_000,
    nodeArgs,
  );
  const worker = SPLIT
    ? await ServiceProcess.start({ ...serviceEnv, CENTRALINO_ROLES: 'worker' }, 120_000, nodeArgs)
    : null;
  const url = service.url!;
  // The dispatcher's process: its /metrics has the decision histogram.
  const workerUrl = worker?.url ?? url;
  const pid = service.child.pid!;
  const pids = [pid, ...(worker ? [worker.child.pid!] : [])];
  const cpuSeconds = () => pids.reduce((sum, one) => sum + processCpuSeconds(one), 0);
  const redis = new Redis(redisUrl);
  const lines = new Map(
    QUEUES.map((queue) => [
      queue,
      new Queue(`contacts.${queue}`, { connection: redis, prefix: `${PREFIX}:bull` }),
    ]),
  );
  const contacts = new Contacts();
  let hold = () => HOLD_MS;
  const sockets: Socket[] = [];
  const report: string[] = [];
  try {
    process.stdout.write(`centralino at ${url}, pids ${pids.join(' ')}${SPLIT ? ' (http, worker)' : ''}\n`);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    const { rows } = await client.query<{ id: string; username: string }>(
      `SELECT id, username FROM operators WHERE role = 'operator'`,
    );
    await client.end();
    const jwt = new JwtService({ secret: JWT_SECRET, signOptions: { expiresIn: 3600 } });
    sockets.push(
      ...(await connectAll(rows.length, async (index) => {
        const row = rows[index]!;
        const socket = io(`${url}/operators`, {
          auth: { token: jwt.sign({ sub: row.id, username: row.username, role: 'operator' }) },
          transports: ['websocket'],
          forceNew: true,
          reconnection: false,
        });
        await new Promise<void>((ready, fail) => {
          socket.once('snapshot', () => ready());
          socket.once('connect_error', (error) => fail(error));
        });
        simulateOperator(socket, contacts, () => hold());
        const ack = (await socket.timeout(30_000).emitWithAck('state.set', { state: 'available' })) as Ack;
        if (!ack.ok) throw new Error(`${row.username} could not become available`);
        return socket;
      })),
    );
    process.stdout.write(`${sockets.length} operators connected and available\n`);
    const total = RATE * SECONDS;
    const latencyRows = newRows(total);
    const burstRows = newRows(BURST);
    // A few connections, like intake's share of the pool: one insert per contact at its time.
    const inserter = new Pool({ connectionString: databaseUrl, max: 4 });
    await sleep(2000);

    const add = async (row: { id: string; queue: string }) => {
      await insertQueued(inserter, [row]);
      const enqueuedAt = Date.now();
      contacts.byId.set(row.id, { enqueuedAt });
      await lines
        .get(row.queue)!
        .add(
          'contact',
          { contactId: row.id, queue: row.queue, enqueuedAt, language: 'it', channel: 'voice' },
          { jobId: row.id, removeOnComplete: true, removeOnFail: 1000 },
        );
    };
    const signal = () => redis.publish(`${PREFIX}:dispatch`, '1');

    // 1. Decision latency at RATE/s.
    const histogramBefore = await decisionHistogram(workerUrl);
    const loadStart = loadavg()[0]!;
    const cpuStart = cpuSeconds();
    const started = Date.now();
    for (let i = 0; i < total; i++) {
      const wait = started + (i * 1000) / RATE - Date.now();
      if (wait > 0) await sleep(wait);
      void add(latencyRows[i]!).then(signal);
    }
    const sentMs = Date.now() - started;
    const cpu = (cpuSeconds() - cpuStart) / (sentMs / 1000);
    const allOffered = await contacts.until(total, 30_000);
    const latencyIds = latencyRows.map((row) => row.id);
    const histogramAfter = await decisionHistogram(workerUrl);
    const loadEnd = loadavg()[0]!;
    const measured = latencyRows.map((row) => contacts.byId.get(row.id)!);
    const offered = measured.filter((tracked) => tracked.offeredAt !== undefined);
    const decision = offered.map((t) => t.offeredAt! - t.enqueuedAt).sort((a, b) => a - b);
    const delivered = offered.map((t) => t.receivedAt! - t.enqueuedAt).sort((a, b) => a - b);
    const bounds = [...histogramAfter.keys()].sort((a, b) => a - b);
    const observed = (histogramAfter.get(Infinity) ?? 0) - (histogramBefore.get(Infinity) ?? 0);
    const within = (le: number) =>
      observed > 0 ? ((histogramAfter.get(le) ?? 0) - (histogramBefore.get(le) ?? 0)) / observed : NaN;
    const histogramP99 = bounds.find((le) => within(le) >= 0.99) ?? Infinity;
    process.stdout.write(`latency phase done (${offered.length}/${total} offered)\n`);

    // 2. Throughput: BURST at once, completed at once, then bare BullMQ. The first phase drains first, so
    // the burst has the server to itself.
    hold = () => 0;
    const drainStarted = Date.now();
    const drained = await contacts.allCompleted(latencyIds, 180_000);
    const drainMs = Date.now() - drainStarted;
    await sleep(1000);
    const transactions = async () =>
      Number(
        (
          await inserter.query<{ n: string }>(
            `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`,
          )
        ).rows[0]!.n,
      );
    await inserter.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await inserter.query('SELECT pg_stat_statements_reset()');
    const transactionsBefore = await transactions();
    const redisBefore = await redisCommandStats(redis);
    const burstStarted = Date.now();
    const cpuBurst = cpuSeconds();
    const workerCpuBurst = worker ? processCpuSeconds(worker.child.pid!) : 0;
    const machineBurst = machineCpuSeconds();
    const postmasterPid = postgres.postmasterPid()!;
    const postgresBurst = processTreeCpuSeconds(postmasterPid);
    const redisBurst = await redisCpuSeconds(redis);
    const benchBurst = process.cpuUsage();
    for (let start = 0; start < burstRows.length; start += 500) {
      const batch = burstRows.slice(start, start + 500);
      await insertQueued(inserter, batch);
      const enqueuedAt = Date.now();
      for (const row of batch) contacts.byId.set(row.id, { enqueuedAt });
      await Promise.all(
        QUEUES.map((queue) =>
          lines.get(queue)!.addBulk(
            batch
              .filter((row) => row.queue === queue)
              .map((row) => ({
                name: 'contact',
                data: { contactId: row.id, queue, enqueuedAt, language: 'it', channel: 'voice' },
                opts: { jobId: row.id, removeOnComplete: true, removeOnFail: 1000 },
              })),
          ),
        ),
      );
      await signal();
    }
    const burstIds = burstRows.map((row) => row.id);
    const burstDone = await contacts.allCompleted(burstIds, 240_000);
    const burstMs = Date.now() - burstStarted;
    const burstCpu = (cpuSeconds() - cpuBurst) / (burstMs / 1000);
    // Where the CPU of one routed contact goes: the service, this process (the simulated consoles), and
    // the rest of the machine (Redis, PostgreSQL, and anything else running).
    const benchUsage = process.cpuUsage(benchBurst);
    const perContactMs = {
      service: ((cpuSeconds() - cpuBurst) * 1000) / BURST,
      worker: worker ? ((processCpuSeconds(worker.child.pid!) - workerCpuBurst) * 1000) / BURST : 0,
      consoles: (benchUsage.user + benchUsage.system) / 1000 / BURST,
      redis: (((await redisCpuSeconds(redis)) - redisBurst) * 1000) / BURST,
      postgres: ((processTreeCpuSeconds(postmasterPid) - postgresBurst) * 1000) / BURST,
      machine: ((machineCpuSeconds() - machineBurst) * 1000) / BURST,
    };
    const burstCompleted = burstIds.filter((id) => contacts.byId.get(id)?.completedAt).length;
    const routedPerSecond = (burstCompleted / burstMs) * 1000;
    // The statistics collector reports with a delay of up to half a second.
    await sleep(1000);
    const transactionsPerContact = ((await transactions()) - transactionsBefore) / BURST;
    const statements = (
      await inserter.query<{ query: string; calls: string; exec: number }>(
        `SELECT query, calls, total_exec_time + total_plan_time AS exec FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
      )
    ).rows;
    process.stdout.write(
      'statements during the burst, most server time first (calls per routed contact, server ms per call, server ms per routed contact):\n',
    );
    for (const row of statements)
      process.stdout.write(
        `  ${(Number(row.calls) / BURST).toFixed(2)}  ${(row.exec / Number(row.calls)).toFixed(3)} ms  ${(row.exec / BURST).toFixed(3)} ms  ${row.query.replace(/\s+/g, ' ').slice(0, 160)}\n`,
      );
    const redisAfter = await redisCommandStats(redis);
    const redisPerContact = [...redisAfter]
      .map(([command, calls]) => [command, (calls - (redisBefore.get(command) ?? 0)) / BURST] as const)
      .filter(([, calls]) => calls >= 0.05)
      .sort((a, b) => b[1] - a[1]);
    const redisTotalPerContact = redisPerContact.reduce((sum, [, calls]) => sum + calls, 0);
    process.stdout.write(`throughput phase done (${burstCompleted}/${BURST})\n`);
    const bare = await bareBullmq(redisUrl, BURST);
    await inserter.end();

    const stateClient = new Client({ connectionString: databaseUrl });
    await stateClient.connect();
    const states = (
      await stateClient.query<{ state: string; count: string }>(
        `SELECT state, count(*) AS count FROM contacts GROUP BY state ORDER BY state`,
      )
    ).rows;
    await stateClient.end();

    let commit = 'unknown';
    try {
      commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      /* not a git checkout */
    }
    const args = process.argv.slice(2).join(' ');
    report.push(
      '<!-- bench:routing -->',
      '# Routing engine: decision latency and throughput',
      '',
      `Command: \`npm run bench:routing${args ? ` -- ${args}` : ''}\` at commit ${commit}, ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores); load average ${fmt(loadBefore)} before start-up.`,
      '',
      `centralino as ${SPLIT ? 'two processes (one `CENTRALINO_ROLES=http`, one `worker`; "service" and "server" CPU are both together)' : 'one process (roles http + worker)'}, its own Redis and PostgreSQL; ${OPERATORS} simulated operators = real socket.io consoles in the bench process (same machine), each available, accepting every offer and completing the contact (wrap-up 0 s). Contacts enter at the waiting line (at its time each row is inserted \`queued\`, then its BullMQ job added with the dispatch signal, as \`ensureWaiting\` does): these are the routing engine's figures, not intake's.`,
      '',
      `## Decision latency: ${RATE} new contacts/s for ${SECONDS} s, ${OPERATORS} operators connected, each contact held ${HOLD_MS} ms`,
      '',
      '| measure | n | p50 ms | p95 ms | p99 ms | max ms |',
      '|---|---|---|---|---|---|',
      `| queued → offer made (dispatcher's clock) | ${decision.length} | ${fmt(percentile(decision, 50), 0)} | ${fmt(percentile(decision, 95), 0)} | ${fmt(percentile(decision, 99), 0)} | ${fmt(decision.at(-1) ?? NaN, 0)} |`,
      `| queued → offer received by the console | ${delivered.length} | ${fmt(percentile(delivered, 50), 0)} | ${fmt(percentile(delivered, 95), 0)} | ${fmt(percentile(delivered, 99), 0)} | ${fmt(delivered.at(-1) ?? NaN, 0)} |`,
      '',
      `Server histogram \`centralino_routing_decision_seconds\` over the phase (${observed} offers; queued or operator available → offer emitted): ${fmt(100 * within(0.005))}% within 5 ms, ${fmt(100 * within(0.01))}% within 10 ms, ${fmt(100 * within(0.025))}% within 25 ms, ${fmt(100 * within(0.1))}% within 100 ms; p99 in the bucket ≤ ${histogramP99 === Infinity ? '∞' : `${histogramP99 * 1000} ms`}. ${allOffered ? 'Every contact was offered and completed within 30 s after the phase.' : `Not every contact was offered within 30 s after the phase (${offered.length}/${total}); ${drained ? `the rest were, ${fmt(drainMs / 1000)} s later` : 'some not even 180 s later'}.`} Server CPU ${fmt(100 * cpu, 0)}% of a core; load average ${fmt(loadStart)} → ${fmt(loadEnd)}.`,
      '',
      `## Throughput: ${BURST} contacts at once through queue → offer → accept → complete`,
      '',
      '| path | contacts (jobs) | time | per second |',
      '|---|---|---|---|',
      `| centralino routing (${OPERATORS} operators) | ${burstCompleted} of ${BURST} completed${burstDone ? '' : ' (timed out)'} | ${fmt(burstMs / 1000)} s | ${fmt(routedPerSecond, 0)} |`,
      `| bare BullMQ add (bulk) + process (no-op, concurrency 50), same Redis | ${BURST} | ${fmt(bare.ms / 1000)} s | ${fmt(bare.perSecond, 0)} |`,
      '',
      `Ratio: routing = ${fmt((100 * routedPerSecond) / bare.perSecond)}% of bare BullMQ. Server CPU during the burst ${fmt(100 * burstCpu, 0)}% of a core. CPU per routed contact: service ${fmt(perContactMs.service)} ms${worker ? ` (http ${fmt(perContactMs.service - perContactMs.worker)}, worker ${fmt(perContactMs.worker)})` : ''}, simulated consoles ${fmt(perContactMs.consoles)} ms, Redis ${fmt(perContactMs.redis)} ms, PostgreSQL ${fmt(perContactMs.postgres)} ms; the rest of the machine (other processes) ${fmt(Math.max(0, perContactMs.machine - perContactMs.service - perContactMs.consoles - perContactMs.redis - perContactMs.postgres))} ms. Database transactions (each statement outside one counts as one) per routed contact: ${fmt(transactionsPerContact)}. Redis commands per routed contact: ${fmt(redisTotalPerContact)} (${redisPerContact
        .slice(0, 40)
        .map(([command, calls]) => `${command} ${fmt(calls)}`)
        .join(
          ', ',
        )}; EVALSHA runs a BullMQ or centralino script). Re-offers ${contacts.reOffers}, refused accepts/completes ${contacts.refused}${contacts.refused > 0 ? ` (${[...contacts.refusals].map(([reason, count]) => `${count}× ${reason}`).join('; ')})` : ''}. Contacts in the database at the end, by state: ${states.map((row) => `${row.state} ${row.count}`).join(', ')}.`,
      '<!-- /bench:routing -->',
    );
  } finally {
    for (const socket of sockets) socket.disconnect();
    for (const line of lines.values()) await line.close();
    redis.disconnect();
    await worker?.stop();
    await service.stop();
    if (process.argv.includes('--logs'))
      writeFileSync('/tmp/bench-routing-logs.json', service.logs.map((l) => JSON.stringify(l)).join('\n'));
    await postgres.stop();
    await redisServer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const text = report.join('\n') + '\n';
  process.stdout.write(`\n${text}`);
  if (!process.argv.includes('--no-write')) {
    // The routing section goes above the wait-estimate simulation's, which bench:wait owns.
    const path = join(__dirname, 'results.md');
    const current = readFileSync(path, 'utf8');
    const rest = current.replace(/<!-- bench:routing -->[\s\S]*<!-- \/bench:routing -->\n*/, '');
    writeFileSync(path, `${text}\n${rest}`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
