/**
 * 2,000 operator consoles and 20 supervisor dashboards on one centralino instance while contacts flow.
 *
 * Starts centralino as its own process (roles http + worker, private Redis, a private PostgreSQL
 * cluster or the embedded PGlite) with a generated front office of 2,000 operators (one argon2 hash,
 * computed once, shared by all), connects 2,000 real socket.io consoles (JWT in the handshake) and 20
 * dashboards, then sends signed generic `call.started` webhooks at a steady rate. Each simulated operator
 * is available, accepts every offer, and the bench ends the call (`call.ended`) after a short hold; the
 * operator wraps up and is available again. Measures:
 * - offer delivery latency: offer made on the server (its `expiresAt` minus the offer timeout, i.e. the
 *   dispatcher's clock when it built the offer) → `offer` received by the console; and webhook sent →
 *   `offer` received (whole path: intake, triage, queue, dispatch, socket). Same machine, same clock.
 * - the server's memory per connection: its RSS after the connections minus before, / connections.
 * Loopback only; bounded in time (about 2 minutes by default).
 *
 * `--split` runs the roles as two processes, as docs/operating.md describes for a busy site: one
 * `CENTRALINO_ROLES=http` (webhooks, the consoles' sockets) and one `CENTRALINO_ROLES=worker` (the
 * dispatcher, timers), against a Redis the bench starts (shared by both) and PostgreSQL (PGlite serves one
 * process). "service" CPU is then both processes'; memory per connection stays the http process's (it
 * holds the sockets), with the worker's RSS beside it.
 *
 *   npm run bench:consoles
 *   npm run bench:consoles -- --consoles 500 --rate 50 --seconds 20 --database pglite --no-write
 *   npm run bench:consoles -- --split
 */
import { execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { io, Socket } from 'socket.io-client';
import { GenericSignatureVerifier } from '../../libs/intake/src/generic/generic-signature.verifier';
import { EmbeddedRedisServer } from '../../libs/redis/src/embedded-redis-server';
import type {
  Ack,
  OperatorServerEvents,
  SupervisorServerEvents,
} from '../../libs/realtime/src/operator-events.contract';
import { PrivatePostgres } from '../../libs/testing/src/private-postgres';
import { writeFixtureConfig } from '../../test/support/fixture-config';
import { ServiceProcess } from '../../test/support/service-process';

const ROOT = resolve(__dirname, '../..');

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1]! : fallback;
}
const CONSOLES = argument('consoles', 2000);
const DASHBOARDS = argument('dashboards', 20);
/** New calls per second, one traffic phase each, in this order on the same connected consoles. */
const RATES = option('rates', '50,200').split(',').map(Number);
const SECONDS = argument('seconds', 20); // measured seconds of traffic per phase
const WARM_UP_SECONDS = 3;
const DRAIN_SECONDS = 10; // after a phase's last call: let offers, accepts and hang-ups finish
const MAX_IN_FLIGHT = argument('max-in-flight', 300); // unanswered call.started webhooks
const WEBHOOK_TIMEOUT_MS = 10_000;
const HOLD_MS = argument('hold-ms', 2000); // an accepted call lasts this long
const DATABASE = option('database', 'postgres');
const OFFER_TIMEOUT_SECONDS = 20;
const WRAP_UP_SECONDS = 1;
const CONNECT_CONCURRENCY = 50;
const PROFILE_DIR = option('cpu-prof', '');
const SPLIT = process.argv.includes('--split');

const WEBHOOK_SECRET = `whsec_${randomUUID().replaceAll('-', '')}`;
const JWT_SECRET = `bench-${randomUUID()}-${randomUUID()}`;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** A front office of CONSOLES operators (all skills) and DASHBOARDS supervisors, one shared hash. */
function frontOffice(): string {
  return writeFixtureConfig((config) => {
    const operators = config.operators as { passwordHash: string }[];
    const passwordHash = operators[0]!.passwordHash; // "centralino", hashed once for the fixture
    config.routing = { offerTimeoutSeconds: OFFER_TIMEOUT_SECONDS, wrapUpSeconds: WRAP_UP_SECONDS };
    config.operators = [
      ...Array.from({ length: CONSOLES }, (_, i) => ({
        username: `op${String(i + 1).padStart(4, '0')}`,
        displayName: `Operator ${i + 1}`,
        passwordHash,
        languages: ['it', 'en'],
        skills: { billing: 5, technical_support: 5, reception: 5 },
      })),
      ...Array.from({ length: DASHBOARDS }, (_, i) => ({
        username: `sup${String(i + 1).padStart(2, '0')}`,
        displayName: `Supervisor ${i + 1}`,
        role: 'supervisor',
        passwordHash,
        languages: ['it'],
        skills: {},
      })),
    ];
  }, 'front-office.consoles.yaml');
}

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** What the bench knows about one call, keyed by contact id once the webhook answered. */
interface Call {
  callId: string;
  phase: number;
  sentAt: number;
  measured: boolean;
  offeredAt?: number; // the server's clock when it made the (first) offer
  receivedAt?: number; // the console's clock when the offer arrived
  accepted?: boolean;
  ended?: boolean;
}

class Traffic {
  readonly calls = new Map<string, Call>(); // by contactId
  private early = new Map<string, { offeredAt: number; receivedAt: number; accepted?: boolean }>();
  phase = 0;
  measuring = false;
  inFlight = 0;
  sent = 0;
  skipped = 0;
  webhookFailures = 0;
  acceptFailures = 0;
  reOffers = 0;

  constructor(private readonly url: string) {}

  async post(event: Record<string, unknown>): Promise<Record<string, unknown>> {
    const body = JSON.stringify({ id: `evt_${randomUUID()}`, ...event });
    const response = await fetch(`${this.url}/webhooks/generic`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-signature': GenericSignatureVerifier.header(WEBHOOK_SECRET, body),
      },
      body,
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${response.status} ${JSON.stringify(answer)}`);
    return answer;
  }

  /**
   * One new call, unless MAX_IN_FLIGHT webhooks already wait for their answer: the server is then behind
   * the asked rate, and piling up thousands of open requests would only measure the client's sockets.
   */
  async startCall(): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT) {
      this.skipped++;
      return;
    }
    const callId = `call_${randomUUID()}`;
    const call: Call = { callId, phase: this.phase, sentAt: Date.now(), measured: this.measuring };
    this.sent++;
    this.inFlight++;
    try {
      const answer = await this.post({
        type: 'call.started',
        callId,
        from: `+39333${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
        to: '+390200000000',
        digits: Math.random() < 0.5 ? '1' : '2',
      });
      const contactId = answer.contactId as string;
      this.calls.set(contactId, call);
      // The offer may reach its console before the webhook's answer reaches the bench.
      const early = this.early.get(contactId);
      if (early) {
        this.early.delete(contactId);
        Object.assign(call, early);
      }
    } catch (error) {
      this.webhookFailures++;
      if (this.webhookFailures <= 5)
        process.stderr.write(`call.started failed: ${(error as Error).message}\n`);
    } finally {
      this.inFlight--;
    }
  }

  onOffer(offer: OperatorServerEvents['offer'], receivedAt: number): void {
    const offeredAt = offer.expiresAt - OFFER_TIMEOUT_SECONDS * 1000;
    const call = this.calls.get(offer.contactId);
    if (call?.receivedAt !== undefined || this.early.has(offer.contactId)) {
      this.reOffers++; // offered again (e.g. an accept lost the race with the expiry): not a first delivery
      return;
    }
    if (call) Object.assign(call, { offeredAt, receivedAt });
    else this.early.set(offer.contactId, { offeredAt, receivedAt });
  }

  accepted(contactId: string): void {
    const call = this.calls.get(contactId) ?? this.early.get(contactId);
    if (call) call.accepted = true;
  }

  async hangUpLater(contactId: string): Promise<void> {
    await sleep(HOLD_MS);
    let call = this.calls.get(contactId);
    for (let i = 0; !call && i < 100; i++) {
      await sleep(100);
      call = this.calls.get(contactId);
    }
    if (!call) return;
    try {
      await this.post({ type: 'call.ended', callId: call.callId, reason: 'completed' });
      call.ended = true;
    } catch (error) {
      if (++this.webhookFailures <= 5)
        process.stderr.write(`call.ended failed: ${(error as Error).message}\n`);
    }
  }
}

/** A simulated operator: available once connected, accepts every offer. */
function simulateOperator(socket: Socket, traffic: Traffic): void {
  socket.on('offer', (offer: OperatorServerEvents['offer']) => {
    traffic.onOffer(offer, Date.now());
    socket
      .timeout(30_000)
      .emitWithAck('offer.accept', { offerId: offer.offerId })
      .then((ack: Ack) => {
        if (!ack.ok) {
          traffic.acceptFailures++;
          return;
        }
        traffic.accepted(offer.contactId);
        void traffic.hangUpLater(offer.contactId);
      })
      .catch(() => traffic.acceptFailures++);
  });
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

function openSocket(url: string, namespace: string, token: string): Socket {
  return io(`${url}${namespace}`, {
    auth: { token },
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
  });
}

async function login(url: string, username: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'centralino' }),
  });
  const body = (await response.json()) as { accessToken?: string };
  if (!response.ok || !body.accessToken) throw new Error(`login ${username}: ${response.status}`);
  return body.accessToken;
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const kib = (bytes: number) => (bytes / 1024).toFixed(1);
function ms(sorted: number[], p: number): string {
  const value = percentile(sorted, p);
  return Number.isFinite(value) ? value.toFixed(0) : '—';
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in USER_HZ (100 on Linux)
}

/** CPU seconds (user + system) used so far by a process and its live children, or its children only. */
function treeCpuSeconds(rootPid: number, childName?: string): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    const child = Number(fields[1]) === rootPid && (!childName || name.startsWith(childName));
    if ((Number(entry) === rootPid && !childName) || child) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / 100;
}

/** CPU seconds used by the whole machine so far (/proc/stat: all but idle and iowait). */
function machineCpuSeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return (fields.reduce((sum, value) => sum + value, 0) - fields[3]! - fields[4]!) / 100;
}

/** CPU seconds used by Redis itself so far (its own INFO: user and system, main thread and I/O threads). */
async function redisCpuSeconds(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return field('used_cpu_user') + field('used_cpu_sys');
}

/**
 * The processes measured: the http one (every role when not split; it holds the sockets), the worker
 * (with --split), and how to reach the service's Redis when the bench started it (with --split; else the
 * service's own embedded Redis is its child process).
 */
interface Layout {
  httpPid: number;
  workerPid: number | null;
  redis: Redis | null;
}

/** CPU seconds of the service: both processes with --split. */
function serviceCpuSeconds(layout: Layout): number {
  return cpuSeconds(layout.httpPid) + (layout.workerPid ? cpuSeconds(layout.workerPid) : 0);
}

/** Where the machine's CPU goes: the service, its Redis, PostgreSQL, this load generator, the machine. */
interface CpuSplit {
  service: number; // http + worker
  http: number;
  worker: number; // 0 when one process runs every role
  redis: number;
  postgres: number;
  bench: number;
  machine: number;
}

async function cpuSplit(layout: Layout, postmasterPid: number | null): Promise<CpuSplit> {
  const bench = process.cpuUsage();
  const http = cpuSeconds(layout.httpPid);
  const worker = layout.workerPid ? cpuSeconds(layout.workerPid) : 0;
  return {
    service: http + worker,
    http,
    worker,
    redis: layout.redis
      ? await redisCpuSeconds(layout.redis)
      : treeCpuSeconds(layout.httpPid, 'redis-server'),
    postgres: postmasterPid ? treeCpuSeconds(postmasterPid) : 0,
    bench: (bench.user + bench.system) / 1e6,
    machine: machineCpuSeconds(),
  };
}

interface Phase {
  rate: number;
  sentPerSecond: number;
  skipped: number;
  delivered: number;
  offersPerSecond: number;
  serverToConsole: number[];
  webhookToConsole: number[];
  accepted: number;
  ended: number;
  webhookFailures: number;
  serverCpu: number;
  /** Share of a core each part used while the calls were sent (the measured seconds). */
  cpu: CpuSplit;
  loadStart: number;
  loadEnd: number;
  rssPeak: number; // the http process's
  workerRssPeak: number; // 0 when one process runs every role
}

/** RATE calls per second, evenly spaced, for the warm-up and the measured seconds; then the drain. */
async function runPhase(
  traffic: Traffic,
  rate: number,
  layout: Layout,
  postmasterPid: number | null,
): Promise<Phase> {
  const pid = layout.httpPid;
  const workerPid = layout.workerPid;
  const loadStart = loadavg()[0]!;
  const failuresBefore = traffic.webhookFailures;
  const skippedBefore = traffic.skipped;
  const sentBefore = traffic.sent;
  const started = Date.now();
  let cpuAtMeasure = serviceCpuSeconds(layout);
  let splitAtMeasure = await cpuSplit(layout, postmasterPid);
  let measureStarted = started;
  const total = Math.round(rate * (WARM_UP_SECONDS + SECONDS));
  let rssPeak = rssBytes(pid);
  let workerRssPeak = workerPid ? rssBytes(workerPid) : 0;
  const memory = setInterval(() => {
    rssPeak = Math.max(rssPeak, rssBytes(pid));
    if (workerPid) workerRssPeak = Math.max(workerRssPeak, rssBytes(workerPid));
  }, 1000);
  traffic.measuring = false;
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - Date.now();
    if (wait > 0) await sleep(wait);
    if (!traffic.measuring && Date.now() - started >= WARM_UP_SECONDS * 1000) {
      traffic.measuring = true;
      measureStarted = Date.now();
      cpuAtMeasure = serviceCpuSeconds(layout);
      splitAtMeasure = await cpuSplit(layout, postmasterPid);
    }
    void traffic.startCall();
  }
  const sendingEnded = Date.now();
  const measuredSeconds = (sendingEnded - measureStarted) / 1000;
  const serverCpu = (serviceCpuSeconds(layout) - cpuAtMeasure) / measuredSeconds;
  const splitNow = await cpuSplit(layout, postmasterPid);
  const cpu = Object.fromEntries(
    Object.entries(splitNow).map(([part, seconds]) => [
      part,
      (seconds - splitAtMeasure[part as keyof CpuSplit]) / measuredSeconds,
    ]),
  ) as unknown as CpuSplit;
  const calls = () =>
    [...traffic.calls.values()].filter((call) => call.phase === traffic.phase && call.measured);
  while (Date.now() - sendingEnded < DRAIN_SECONDS * 1000) {
    if (traffic.inFlight === 0 && calls().every((call) => call.ended)) break;
    await sleep(250);
  }
  clearInterval(memory);
  const measured = calls();
  const delivered = measured.filter((call) => call.receivedAt !== undefined);
  const received = delivered.map((call) => call.receivedAt!);
  const window = (Math.max(...received) - Math.min(...received)) / 1000;
  return {
    rate,
    sentPerSecond: (traffic.sent - sentBefore) / ((sendingEnded - started) / 1000),
    skipped: traffic.skipped - skippedBefore,
    delivered: delivered.length,
    offersPerSecond: window > 0 ? delivered.length / window : 0,
    serverToConsole: delivered.map((call) => call.receivedAt! - call.offeredAt!).sort((a, b) => a - b),
    webhookToConsole: delivered.map((call) => call.receivedAt! - call.sentAt).sort((a, b) => a - b),
    accepted: measured.filter((call) => call.accepted).length,
    ended: measured.filter((call) => call.ended).length,
    webhookFailures: traffic.webhookFailures - failuresBefore,
    serverCpu,
    cpu,
    loadStart,
    loadEnd: loadavg()[0]!,
    rssPeak,
    workerRssPeak,
  };
}

async function main(): Promise<void> {
  if (SPLIT && DATABASE !== 'postgres') {
    process.stderr.write(`--split needs --database postgres: the embedded database serves one process\n`);
    process.exit(2);
  }
  const startedAt = Date.now();
  const postgres = DATABASE === 'postgres' ? new PrivatePostgres({ statementStats: true }) : null;
  const databaseUrl = postgres ? await postgres.start() : null;
  const dataDir = mkdtempSync(join(tmpdir(), 'centralino-bench-'));
  // Two processes share one Redis, which the bench then starts: configured as the service's embedded one
  // (append-only file in DATA_DIR/redis), so both layouts pay the same Redis.
  const redisServer = SPLIT ? new EmbeddedRedisServer({ dataDir: join(dataDir, 'redis') }) : null;
  const redisUrl = redisServer ? await redisServer.start() : null;
  const loadBefore = loadavg();
  const serviceEnv: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    FRONT_OFFICE_CONFIG: frontOffice(),
    LOG_LEVEL: 'warn',
    JWT_SECRET,
    GENERIC_WEBHOOK_SECRETS: WEBHOOK_SECRET,
    // One client address sends everything here; the per-address limits are for the internet.
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: '10000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '100000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  };
  // --cpu-prof DIR: the server writes a V8 CPU profile there when it stops (open it in DevTools).
  const nodeArgs = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR] : [];
  const service = await ServiceProcess.start(
    SPLIT ? { ...serviceEnv, CENTRALINO_ROLES: 'http' } : serviceEnv,
    120_000,
    nodeArgs,
  );
  const worker = SPLIT
    ? await ServiceProcess.start({ ...serviceEnv, CENTRALINO_ROLES: 'worker' }, 120_000, nodeArgs).catch(
        async (error: Error) => {
          // Not left running behind the error: the http process, the bench's Redis, PostgreSQL.
          await service.stop();
          await redisServer?.stop();
          await postgres?.stop();
          throw error;
        },
      )
    : null;
  const url = service.url!;
  const pid = service.child.pid!;
  const workerPid = worker?.child.pid ?? null;
  const redis = redisUrl ? new Redis(redisUrl) : null;
  const layout: Layout = { httpPid: pid, workerPid, redis };
  process.stdout.write(
    SPLIT
      ? `centralino (${DATABASE}, two processes: CENTRALINO_ROLES=http and =worker, the bench's Redis) at ${url}, pids ${pid} ${workerPid} (http, worker), up in ${Date.now() - startedAt} ms\n`
      : `centralino (${DATABASE}, one process: roles http + worker) at ${url}, pid ${pid}, up in ${Date.now() - startedAt} ms\n`,
  );
  const traffic = new Traffic(url);
  try {
    // The operators' ids, for their tokens: read once from the database the service synced them into.
    // The tokens are signed with the service's JWT secret exactly as /auth/login signs them (2,000
    // argon2 verifications would take minutes here); the supervisors log in for real.
    const ids = new Map<string, string>();
    if (databaseUrl) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ id: string; username: string }>(
        `SELECT id, username FROM operators WHERE role = 'operator'`,
      );
      for (const row of rows) ids.set(row.username, row.id);
      await client.end();
    }
    const jwt = new JwtService({ secret: JWT_SECRET, signOptions: { expiresIn: 3600 } });
    const tokenFor = async (username: string): Promise<string> => {
      const id = ids.get(username);
      return id ? jwt.sign({ sub: id, username, role: 'operator' }) : login(url, username);
    };

    await sleep(3000);
    const rssBefore = rssBytes(pid);
    // The worker holds no socket: its RSS at each step says what the consoles cost it (their presence,
    // the dispatcher's view of them).
    const workerRssAt = () => (workerPid ? rssBytes(workerPid) : 0);
    const workerRssBefore = workerRssAt();
    const connectStarted = Date.now();
    const consoles = await connectAll(CONSOLES, async (index) => {
      const username = `op${String(index + 1).padStart(4, '0')}`;
      const socket = openSocket(url, '/operators', await tokenFor(username));
      await new Promise<void>((ready, fail) => {
        socket.once('snapshot', () => ready());
        socket.once('connect_error', (error) => fail(new Error(`${username}: ${error.message}`)));
      });
      simulateOperator(socket, traffic);
      const ack = (await socket.timeout(30_000).emitWithAck('state.set', { state: 'available' })) as Ack;
      if (!ack.ok) throw new Error(`${username} could not become available: ${ack.error.message}`);
      return socket;
    });
    const consolesMs = Date.now() - connectStarted;
    await sleep(3000);
    const rssConsoles = rssBytes(pid);
    const workerRssConsoles = workerRssAt();
    let snapshots = 0;
    let snapshotBytes = 0;
    const dashboards = await connectAll(DASHBOARDS, async (index) => {
      const token = await login(url, `sup${String(index + 1).padStart(2, '0')}`);
      const socket = openSocket(url, '/supervisors', token);
      await new Promise<void>((ready, fail) => {
        socket.once('queues.snapshot', () => ready());
        socket.once('connect_error', (error) => fail(error));
      });
      socket.on('queues.snapshot', (snapshot: SupervisorServerEvents['queues.snapshot']) => {
        snapshots++;
        if (snapshots % DASHBOARDS === 0) snapshotBytes = JSON.stringify(snapshot).length;
      });
      return socket;
    });
    await sleep(3000);
    const rssConnected = rssBytes(pid);
    const workerRssConnected = workerRssAt();
    process.stdout.write(
      `${CONSOLES} consoles connected in ${consolesMs} ms, then ${DASHBOARDS} dashboards; RSS ${mb(rssBefore)} → ${mb(rssConsoles)} → ${mb(rssConnected)} MB${SPLIT ? ` (http; worker ${mb(workerRssBefore)} → ${mb(workerRssConsoles)} → ${mb(workerRssConnected)} MB)` : ''}\n`,
    );

    const statementStats = databaseUrl ? new Client({ connectionString: databaseUrl }) : null;
    if (statementStats) {
      await statementStats.connect();
      await statementStats.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await statementStats.query('SELECT pg_stat_statements_reset()');
    }
    const phases: Phase[] = [];
    for (const [index, rate] of RATES.entries()) {
      traffic.phase = index;
      phases.push(await runPhase(traffic, rate, layout, postgres?.postmasterPid() ?? null));
      process.stdout.write(`phase ${rate}/s done\n`);
    }

    if (statementStats) {
      // Where the database time goes, per call started (every phase together): printed, not in results.md.
      const started = Math.max(1, traffic.sent);
      const { rows } = await statementStats.query<{ query: string; calls: string; ms: number }>(
        `SELECT query, calls, total_exec_time + total_plan_time AS ms FROM pg_stat_statements
          WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY calls DESC LIMIT 25`,
      );
      process.stdout.write(`statements per call started (${started} calls), server ms per call:\n`);
      for (const row of rows)
        process.stdout.write(
          `  ${(Number(row.calls) / started).toFixed(2)}  ${(row.ms / Number(row.calls)).toFixed(3)} ms  ${row.query.replace(/\s+/g, ' ').slice(0, 150)}\n`,
        );
      await statementStats.end();
    }
    let finalStates: { state: string; count: number }[] = [];
    if (databaseUrl) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ state: string; count: string }>(
        `SELECT state, count(*) AS count FROM contacts GROUP BY state ORDER BY state`,
      );
      finalStates = rows.map((row) => ({ state: row.state, count: Number(row.count) }));
      await client.end();
    }
    for (const socket of [...consoles, ...dashboards]) socket.disconnect();

    let commit = 'unknown';
    try {
      commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      // not a git checkout
    }
    const args = process.argv.slice(2).join(' ');
    const lines = [
      '# 2,000 operator consoles and 20 dashboards on one instance',
      '',
      `Command: \`npm run bench:consoles${args ? ` -- ${args}` : ''}\` at commit ${commit}, ${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores).`,
      '',
      `centralino ran as ${SPLIT ? 'two processes (one `CENTRALINO_ROLES=http`: webhooks and the sockets; one `CENTRALINO_ROLES=worker`: the dispatcher and timers), sharing a private Redis the bench started and a private PostgreSQL cluster' : `one process (roles http + worker, its private Redis, ${DATABASE === 'postgres' ? 'a private PostgreSQL cluster' : 'the embedded PGlite'})`}, front office generated with ${CONSOLES} operators (every skill) and ${DASHBOARDS} supervisors; offer timeout ${OFFER_TIMEOUT_SECONDS} s, wrap-up ${WRAP_UP_SECONDS} s. ` +
        `The bench process (same machine, loopback) held ${CONSOLES} socket.io consoles (websocket, JWT in the handshake) and ${DASHBOARDS} dashboards, then sent signed generic \`call.started\` webhooks (IVR digit 1 or 2) at a steady rate, one phase per rate (${RATES.join(', ')} calls/s), each ${WARM_UP_SECONDS} s of warm-up plus ${SECONDS} s measured, then up to ${DRAIN_SECONDS} s for the last calls to finish. Every console is available, accepts each offer, and the call ends (\`call.ended\`) ${HOLD_MS} ms after the accept. ` +
        `At most ${MAX_IN_FLIGHT} \`call.started\` wait for their answer at once: beyond that the server is behind the asked rate and a call is skipped (counted), so the figures say what the server sustains rather than how many sockets the client can pile up.`,
      '',
      `**The machine was shared** with other agents' work (builds, tests; load average ${loadBefore[0]!.toFixed(1)} before start-up, per phase below, on ${cpus().length} cores), and the load generator with its ${CONSOLES + DASHBOARDS} clients runs on the same cores: figures are pessimistic.`,
      '',
      '## Offer delivery latency',
      '',
      "Offer made = the dispatcher's clock when it built the offer (`expiresAt` − offer timeout); received = the console's clock (same machine). Webhook sent → offer received adds intake, triage, the queue and the dispatcher's round.",
      '',
      '| calls/s asked | sent/s | skipped | offers received | offer made → received p50 / p95 / p99 / max ms | webhook sent → offer received p50 / p99 ms | accepted | ended | webhook errors | server CPU | load average start → end |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...phases.map(
        (phase) =>
          `| ${phase.rate} | ${phase.sentPerSecond.toFixed(0)} | ${phase.skipped} | ${phase.delivered} (${phase.offersPerSecond.toFixed(0)}/s) | ${ms(phase.serverToConsole, 50)} / ${ms(phase.serverToConsole, 95)} / ${ms(phase.serverToConsole, 99)} / ${ms(phase.serverToConsole, 100)} | ${ms(phase.webhookToConsole, 50)} / ${ms(phase.webhookToConsole, 99)} | ${phase.accepted} | ${phase.ended} | ${phase.webhookFailures} | ${(phase.serverCpu * 100).toFixed(0)}% of a core | ${phase.loadStart.toFixed(1)} → ${phase.loadEnd.toFixed(1)} |`,
      ),
      '',
      'Where the CPU went while the calls were sent (the measured seconds; share of one core, the machine has ' +
        `${cpus().length}):`,
      '',
      SPLIT
        ? '| calls/s asked | service (http + worker) | http | worker | Redis (shared, started by the bench) | PostgreSQL | load generator (this process) | rest of the machine | machine |'
        : '| calls/s asked | service | its Redis | PostgreSQL | load generator (this process) | rest of the machine | machine |',
      SPLIT ? '|---|---|---|---|---|---|---|---|---|' : '|---|---|---|---|---|---|---|',
      ...phases.map((phase) => {
        const { service, http, worker, redis, postgres, bench, machine } = phase.cpu;
        const pct = (share: number) => `${(share * 100).toFixed(0)}%`;
        const rest = Math.max(0, machine - service - redis - postgres - bench);
        const processes = SPLIT ? `${pct(service)} | ${pct(http)} | ${pct(worker)}` : pct(service);
        return `| ${phase.rate} | ${processes} | ${pct(redis)} | ${pct(postgres)} | ${pct(bench)} | ${pct(rest)} | ${pct(machine)} |`;
      }),
      '',
      `Contacts in the database at the end, by state: ${finalStates.map((entry) => `${entry.state} ${entry.count}`).join(', ') || 'n/a (PGlite)'} (the bench stops right after the last phase's drain, so calls still queued or connected then are not failures). Refused accepts ${traffic.acceptFailures}, re-offers ${traffic.reOffers}.`,
      '',
      '## Server memory per connection',
      '',
      `| step | time | RSS after${SPLIT ? ' (http)' : ''} | per connection |${SPLIT ? ' worker RSS |' : ''}`,
      `|---|---|---|---|${SPLIT ? '---|' : ''}`,
      `| started, idle | — | ${mb(rssBefore)} MB | — |${SPLIT ? ` ${mb(workerRssBefore)} MB |` : ''}`,
      `| ${CONSOLES} consoles connected and available | ${(consolesMs / 1000).toFixed(1)} s | ${mb(rssConsoles)} MB | ${kib((rssConsoles - rssBefore) / CONSOLES)} KiB |${SPLIT ? ` ${mb(workerRssConsoles)} MB |` : ''}`,
      ...(DASHBOARDS > 0
        ? [
            `| + ${DASHBOARDS} dashboards | — | ${mb(rssConnected)} MB | ${kib((rssConnected - rssConsoles) / DASHBOARDS)} KiB |${SPLIT ? ` ${mb(workerRssConnected)} MB |` : ''}`,
          ]
        : []),
      `| peak during the traffic | — | ${mb(Math.max(...phases.map((phase) => phase.rssPeak)))} MB | — |${SPLIT ? ` ${mb(Math.max(...phases.map((phase) => phase.workerRssPeak)))} MB |` : ''}`,
      '',
      `RSS of ${SPLIT ? "the http process (it holds the sockets), the worker's beside it" : 'the centralino process only'} (/proc/<pid>/status, VmRSS; ${SPLIT ? 'Redis' : 'its Redis'} is a separate process), each 3 s after the step. A console's share includes its socket, room, presence state in Redis and the first snapshot it was sent; a dashboard's includes the once-a-second \`queues.snapshot\` (about ${kib(snapshotBytes)} KiB as JSON with ${CONSOLES} operators online; ${snapshots} received in all).`,
    ];
    const text = lines.join('\n') + '\n';
    process.stdout.write(`\n${text}`);
    if (!process.argv.includes('--no-write')) writeFileSync(join(__dirname, 'results.md'), text);
  } finally {
    redis?.disconnect();
    await worker?.stop();
    await service.stop();
    await postgres?.stop();
    await redisServer?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
