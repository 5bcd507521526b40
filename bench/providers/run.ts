/**
 * Webhook response times per provider under a normal load, against a running centralino: starts the
 * service as its own process (embedded Redis, PGlite, the sample front office), then plays whole call
 * journeys for Twilio, Vonage, Telnyx and the generic webhook, signed exactly as each provider signs, at
 * a steady arrival rate. Writes p50/p95/p99 per provider (and per request type) to results.md.
 *
 *   npm run bench:webhooks                       # 4 calls/s for 60 s, PostgreSQL then PGlite
 *   npm run bench:webhooks -- --rate 8 --seconds 30 --database pglite --no-write
 */
import { ChildProcess, execSync, spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JwtService } from '@nestjs/jwt';
import twilio from 'twilio';
import { GenericSignatureVerifier } from '../../libs/intake/src/generic/generic-signature.verifier';
import { PrivatePostgres } from '../../libs/testing/src/private-postgres';

const ROOT = resolve(__dirname, '../..');
const PUBLIC_BASE_URL = 'https://switchboard.example.com';
const TWILIO_TOKEN = randomBytes(16).toString('hex');
const TWILIO_SID = `AC${randomBytes(16).toString('hex')}`;
const VONAGE_SECRET = randomBytes(24).toString('hex');
const GENERIC_SECRET = `whsec_${randomBytes(16).toString('hex')}`;
const telnyxKeys = generateKeyPairSync('ed25519');
const TELNYX_PUBLIC_KEY = telnyxKeys.publicKey
  .export({ type: 'spki', format: 'der' })
  .subarray(-32)
  .toString('base64');
const jwt = new JwtService();

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
const RATE = argument('rate', 4); // new calls per second, all providers together
const SECONDS = argument('seconds', 60);
const WARM_UP_SECONDS = 5;
const DATABASES = (() => {
  const at = process.argv.indexOf('--database');
  return at > 0 ? [process.argv[at + 1]!] : ['postgres', 'pglite'];
})();
const THINK_MS = 300; // between two webhooks of one call, as a provider's are spaced

/** What callers say, in the four languages of the sample taxonomy (clear, vague and odd). */
const SPEECH = [
  'Buongiorno, ho un problema con la fattura di marzo',
  'vorrei sapere lo stato del mio ordine',
  'The internet has been down since this morning',
  'I would like a quote for fifty licences',
  'Quisiera pedir una cita para el martes',
  'Bună ziua, nu mi-a sosit coletul comandat',
  'salve, buongiorno',
  "vorrei parlare con l'amministrazione",
];
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!;

type Sample = { provider: string; step: string; ms: number; status: number };
let samples: Sample[] = [];
let measuring = false;

async function timed(provider: string, step: string, request: () => Promise<Response>): Promise<void> {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  if (measuring) samples.push({ provider, step, ms: performance.now() - started, status: response.status });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

class Journeys {
  constructor(private readonly url: string) {}

  async twilio(): Promise<void> {
    const call = {
      CallSid: `CA${randomBytes(16).toString('hex')}`,
      AccountSid: TWILIO_SID,
      From: `+39333${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      To: '+390200000000',
      CallStatus: 'in-progress',
    };
    const post = (path: string, params: Record<string, string>) =>
      timed('twilio', path, () =>
        fetch(`${this.url}/webhooks/twilio/voice${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(
              TWILIO_TOKEN,
              `${PUBLIC_BASE_URL}/webhooks/twilio/voice${path}`,
              params,
            ),
          },
          body: new URLSearchParams(params).toString(),
        }),
      );
    await post('', call);
    await sleep(THINK_MS);
    await post('/gather', { ...call, SpeechResult: pick(SPEECH), Confidence: '0.9' });
    await sleep(THINK_MS);
    await post('/wait', call);
    await sleep(THINK_MS);
    await post('/status', { ...call, CallStatus: 'completed' });
  }

  async vonage(): Promise<void> {
    const call = {
      uuid: randomUUID(),
      conversation_uuid: `CON-${randomUUID()}`,
      from: '393331234567',
      to: '390200000000',
    };
    const authorization = (body: string | null) =>
      `Bearer ${jwt.sign(
        {
          iat: Math.floor(Date.now() / 1000),
          jti: randomUUID(),
          iss: 'Vonage',
          application_id: 'bench',
          ...(body === null ? {} : { payload_hash: createHash('sha256').update(body).digest('hex') }),
        },
        { secret: VONAGE_SECRET, algorithm: 'HS256' },
      )}`;
    const post = (path: string, payload: unknown) => {
      const body = JSON.stringify(payload);
      return timed('vonage', `/${path}`, () =>
        fetch(`${this.url}/webhooks/vonage/voice/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: authorization(body) },
          body,
        }),
      );
    };
    await timed('vonage', '/answer', () =>
      fetch(`${this.url}/webhooks/vonage/voice/answer?${new URLSearchParams(call).toString()}`, {
        headers: { authorization: authorization(null) },
      }),
    );
    await sleep(THINK_MS);
    await post('input', {
      ...call,
      dtmf: { digits: '', timed_out: true },
      speech: { results: [{ text: pick(SPEECH), confidence: '0.9' }] },
    });
    await sleep(THINK_MS);
    await post('event', {
      ...call,
      status: 'completed',
      direction: 'inbound',
      timestamp: new Date().toISOString(),
    });
  }

  async telnyx(): Promise<void> {
    const call = {
      call_control_id: `v3:${randomBytes(12).toString('base64url')}`,
      call_session_id: randomUUID(),
      from: '+393331234567',
      to: '+390200000000',
      direction: 'incoming',
    };
    const post = (type: string, extra: Record<string, unknown> = {}) => {
      const body = JSON.stringify({
        data: {
          id: randomUUID(),
          event_type: type,
          occurred_at: new Date().toISOString(),
          record_type: 'event',
          payload: { ...call, ...extra },
        },
        meta: { attempt: 1 },
      });
      const timestamp = String(Math.floor(Date.now() / 1000));
      return timed('telnyx', type, () =>
        fetch(`${this.url}/webhooks/telnyx/call-control`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'telnyx-timestamp': timestamp,
            'telnyx-signature-ed25519': sign(
              null,
              Buffer.from(`${timestamp}|${body}`),
              telnyxKeys.privateKey,
            ).toString('base64'),
          },
          body,
        }),
      );
    };
    await post('call.initiated');
    await sleep(THINK_MS);
    await post('call.gather.ended', { digits: String(1 + Math.floor(Math.random() * 7)), status: 'valid' });
    await sleep(THINK_MS);
    await post('call.hangup', { hangup_cause: 'normal_clearing' });
  }

  async generic(): Promise<void> {
    const callId = `call_${randomUUID()}`;
    const post = (event: Record<string, unknown>) => {
      const body = JSON.stringify({ id: `evt_${randomUUID()}`, callId, ...event });
      return timed('generic', String(event.type), () =>
        fetch(`${this.url}/webhooks/generic`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-signature': GenericSignatureVerifier.header(GENERIC_SECRET, body),
          },
          body,
        }),
      );
    };
    await post({ type: 'call.started', from: '+393331234567', to: '+390200000000', speech: pick(SPEECH) });
    await sleep(THINK_MS);
    await post({ type: 'call.ended', reason: 'hangup' });
  }
}

/** Stands in for the providers' REST APIs (Telnyx commands): answers 200 at once. */
async function startStub(): Promise<Server> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"data":{"result":"ok"}}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return server;
}

async function startService(
  stubUrl: string,
  dataDir: string,
  databaseUrl: string | null,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'test/support/run-service.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      SWC_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FRONT_OFFICE_CONFIG: resolve(ROOT, 'config/front-office.yaml'),
      LOG_LEVEL: 'warn',
      PUBLIC_BASE_URL,
      JWT_SECRET: randomBytes(32).toString('hex'),
      GENERIC_WEBHOOK_SECRETS: GENERIC_SECRET,
      TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
      TWILIO_ACCOUNT_SID: TWILIO_SID,
      TWILIO_API_BASE_URL: stubUrl,
      VONAGE_SIGNATURE_SECRET: VONAGE_SECRET,
      VONAGE_API_BASE_URL: stubUrl,
      TELNYX_PUBLIC_KEY,
      TELNYX_API_KEY: 'KEYbench',
      TELNYX_API_BASE_URL: `${stubUrl}/v2`,
      // One client address sends everything here; the per-address limit is for the internet.
      RATE_LIMIT_WEBHOOKS_PER_MINUTE: '1000000',
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((done, fail) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const ready = /READY (\S+)/.exec(buffered);
      if (ready) done(ready[1]!);
    });
    child.on('exit', (code) => fail(new Error(`centralino exited with ${code} before it was ready`)));
  });
  return { child, url };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function table(groups: Map<string, Sample[]>, lines: string[]): void {
  lines.push('| requests | count | non-2xx | p50 ms | p95 ms | p99 ms | max ms |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const [name, group] of groups) {
    const sorted = group.map((s) => s.ms).sort((a, b) => a - b);
    const bad = group.filter((s) => s.status < 200 || s.status >= 300).length;
    const f = (x: number) => x.toFixed(1);
    lines.push(
      `| ${name} | ${group.length} | ${bad} | ${f(percentile(sorted, 50))} | ${f(percentile(sorted, 95))} | ${f(percentile(sorted, 99))} | ${f(sorted.at(-1)!)} |`,
    );
  }
}

interface Run {
  database: string;
  samples: Sample[];
  failures: number;
  loadBefore: number;
  loadAfter: number;
}

/** One run against a fresh centralino on `database` (postgres: a private cluster; pglite: embedded). */
async function run(database: string): Promise<Run> {
  samples = [];
  const stub = await startStub();
  const dataDir = mkdtempSync(join(tmpdir(), 'centralino-bench-'));
  const postgres = database === 'postgres' ? new PrivatePostgres() : null;
  const databaseUrl = postgres ? await postgres.start() : null;
  const { child, url } = await startService(
    `http://127.0.0.1:${(stub.address() as AddressInfo).port}`,
    dataDir,
    databaseUrl,
  );
  const journeys = new Journeys(url);
  const loadBefore = loadavg()[0]!;
  const kinds = ['twilio', 'vonage', 'telnyx', 'generic'] as const;
  const running: Promise<void>[] = [];
  let failures = 0;
  const started = Date.now();
  let n = 0;
  process.stdout.write(
    `centralino (${database}) at ${url}; ${RATE} calls/s for ${SECONDS} s after ${WARM_UP_SECONDS} s warm-up\n`,
  );
  while (Date.now() - started < (WARM_UP_SECONDS + SECONDS) * 1000) {
    measuring = Date.now() - started >= WARM_UP_SECONDS * 1000;
    const kind = kinds[n++ % kinds.length]!;
    running.push(
      journeys[kind]().catch((error: Error) => {
        failures++;
        process.stderr.write(`${kind} journey failed: ${error.message}\n`);
      }),
    );
    // Poisson arrivals at RATE per second.
    await sleep(-Math.log(1 - Math.random()) * (1000 / RATE));
  }
  await Promise.all(running);
  const loadAfter = loadavg()[0]!;
  child.kill('SIGTERM');
  await new Promise((done) => child.once('exit', done));
  stub.close();
  await postgres?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return { database, samples, failures, loadBefore, loadAfter };
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const database of DATABASES) runs.push(await run(database));
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const lines: string[] = [];
  lines.push('# Webhook response times per provider');
  lines.push('');
  lines.push(
    `Command: \`npm run bench:webhooks\` (\`--rate ${RATE} --seconds ${SECONDS}\`), at commit ${commit}, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores).`,
  );
  lines.push(
    `centralino ran as one process (roles http + worker, embedded Redis, config/front-office.yaml with the sample taxonomy), once on PostgreSQL (a private local cluster) and once on the embedded PGlite; ` +
      `${RATE} new calls per second (Poisson), round-robin over Twilio, Vonage, Telnyx and the generic webhook, each a whole signed journey ` +
      `(Twilio: incoming, gather with speech, wait, status; Vonage: answer, input with speech, event; Telnyx: initiated, gather ended, hangup, with its REST commands sent to a local stub; generic: started with speech, ended), ${THINK_MS} ms between a call's webhooks. ` +
      `First ${WARM_UP_SECONDS} s not measured. Latency: request sent → whole response read, on the same machine. Target: p99 < 200 ms.`,
  );
  for (const result of runs) {
    lines.push('');
    lines.push(`## ${result.database === 'postgres' ? 'PostgreSQL' : 'PGlite (embedded)'}`);
    lines.push('');
    lines.push(
      `**The machine was shared** with other jobs (load average ${result.loadBefore.toFixed(1)} before and ${result.loadAfter.toFixed(1)} after the run, on ${cpus().length} cores; the load generator runs on it too): figures are pessimistic.`,
    );
    lines.push('');
    const byProvider = new Map<string, Sample[]>();
    for (const sample of result.samples)
      byProvider.set(sample.provider, [...(byProvider.get(sample.provider) ?? []), sample]);
    table(byProvider, lines);
    lines.push('');
    const byStep = new Map<string, Sample[]>();
    for (const sample of result.samples) {
      const key = `${sample.provider} ${sample.step || '/'}`;
      byStep.set(key, [...(byStep.get(key) ?? []), sample]);
    }
    table(byStep, lines);
    lines.push('');
    lines.push(`Journeys that failed (network error): ${result.failures}.`);
  }
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  if (!process.argv.includes('--no-write')) writeFileSync(join(__dirname, 'results.md'), text);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
